#!/usr/bin/env bash
# Builds every test recording from text with espeak-ng and sox, so a fresh clone needs no binary audio.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=fixtures
mkdir -p "$OUT" e2e/fixtures
STAMP="$OUT/.version-6"
[ -f "$STAMP" ] && exit 0
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-fixtures: '$tool' is missing; install it with: sudo apt-get install -y espeak-ng sox" >&2; exit 1; }
done
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
sox() { command sox -D -V1 "$@"; }
say() { espeak-ng -v en-us -s 150 -a 100 -w "$1" "$2"; }

say "$TMP/a.wav" "I finally finished the project I have been working on for months."
say "$TMP/b.wav" "But nobody at work even noticed, and I feel a bit invisible."
say "$TMP/c.wav" "Maybe it just does not matter what I do anymore."
say "$TMP/long.wav" "$(for i in $(seq 1 40); do printf 'and then I kept talking about everything that happened this week without stopping at all '; done)"

# Single utterances for DSP parity and WAV formats (espeak speaks at 22.05 kHz).
cp "$TMP/a.wav" "$OUT/speech-22k.wav"
sox "$TMP/a.wav" -r 16000 "$OUT/speech-16k.wav"
sox "$TMP/a.wav" -r 48000 "$OUT/speech-48k.wav"
sox "$OUT/speech-16k.wav" -e unsigned-integer -b 8 "$OUT/speech-16k-u8.wav"
sox "$OUT/speech-16k.wav" -b 24 "$OUT/speech-16k-s24.wav"
sox "$OUT/speech-16k.wav" -b 32 "$OUT/speech-16k-s32.wav"
sox "$OUT/speech-16k.wav" -e floating-point -b 32 "$OUT/speech-16k-f32.wav"
sox "$OUT/speech-48k.wav" -c 2 "$OUT/speech-48k-stereo.wav"
sox "$OUT/speech-16k.wav" -r 8000 "$OUT/speech-8k.wav"

# Three turns, each quieter than the last (0, -6, -12 dB) with 1.5 s gaps: energy falls -> comfort.
sox "$TMP/a.wav" -r 48000 "$TMP/a48.wav"
sox "$TMP/b.wav" -r 48000 "$TMP/b48.wav" gain -6
sox "$TMP/c.wav" -r 48000 "$TMP/c48.wav" gain -12
sox -n -r 48000 -c 1 "$TMP/gap.wav" trim 0 1.5
sox -n -r 48000 -c 1 "$TMP/lead.wav" trim 0 1.0
sox "$TMP/lead.wav" "$TMP/a48.wav" "$TMP/gap.wav" "$TMP/b48.wav" "$TMP/gap.wav" "$TMP/c48.wav" "$TMP/gap.wav" -b 16 "$OUT/dialogue-falling-48k.wav"
# The reverse order: energy rises -> encourage.
sox "$TMP/c.wav" -r 48000 "$TMP/c48q.wav" gain -12
sox "$TMP/b.wav" -r 48000 "$TMP/b48q.wav" gain -12
sox "$TMP/a.wav" -r 48000 "$TMP/a48l.wav"
sox "$TMP/lead.wav" "$TMP/c48q.wav" "$TMP/gap.wav" "$TMP/b48q.wav" "$TMP/gap.wav" "$TMP/a48l.wav" "$TMP/gap.wav" -b 16 "$OUT/dialogue-rising-48k.wav"

# Barge-in: two sentences the spec speaks one by one, the second once the reply to the first is heard.
cp "$TMP/a48.wav" "$OUT/barge-in-first-48k.wav"
cp "$TMP/b48.wav" "$OUT/barge-in-second-48k.wav"
# One sentence, then silence long enough for its whole reply to be spoken (speakers: the reply must not stop itself).
sox -n -r 48000 -c 1 "$TMP/long-tail.wav" trim 0 14
sox "$TMP/lead.wav" "$TMP/a48.wav" "$TMP/long-tail.wav" -b 16 "$OUT/one-turn-48k.wav"

# Edge cases: silence only, clipped + DC offset speech, a two-minute monologue.
sox -n -r 16000 -c 1 -b 16 "$OUT/silence-16k.wav" trim 0 5
sox "$OUT/speech-16k.wav" "$TMP/clip.wav" gain 18
sox "$TMP/clip.wav" "$OUT/clipped-dc-16k.wav" dcshift 0.2 pad 0.5 1
sox "$TMP/long.wav" -r 16000 "$TMP/long16.wav"
sox "$TMP/long16.wav" "$OUT/monologue-16k.wav" trim 0 120 pad 0.5 1

# The e2e microphones: the fake device plays a dialogue once from getUserMedia on; the barge-in clips are spoken on cue.
cp "$OUT/dialogue-falling-48k.wav" e2e/fixtures/dialogue-falling-48k.wav
cp "$OUT/dialogue-rising-48k.wav" e2e/fixtures/dialogue-rising-48k.wav
cp "$OUT/barge-in-first-48k.wav" "$OUT/barge-in-second-48k.wav" e2e/fixtures/
cp "$OUT/one-turn-48k.wav" e2e/fixtures/one-turn-48k.wav
touch "$STAMP"
echo "make-fixtures: wrote $(ls "$OUT"/*.wav | wc -l) recordings to $OUT/"
