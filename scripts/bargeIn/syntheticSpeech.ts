import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_RATE_HZ } from '../../src/audio/dsp/constants';
import { StreamingResampler } from '../../src/audio/dsp/resampler';
import { readWav } from '../../src/audio/wav/readWav';

/** The two speakers of the harness: espeak-ng voices as different as a person and a TTS voice are. */
export const ASSISTANT_VOICE = 'en-us';
export const USER_VOICE = 'en-gb+f3';

/**
 * Speech from text with espeak-ng (as scripts/make-fixtures.sh makes the test recordings), 16 kHz, cached in the temp
 * dir. `pitch`: espeak's -p (0-99; unset, the voice's own: both voices above speak at about 100 Hz).
 */
export function synthesize(text: string, voice: string, pitch?: number): Float32Array {
  const pitchArgs = pitch === undefined ? [] : ['-p', String(pitch)];
  const key = createHash('sha256').update(`${voice}${pitchArgs.join(' ')}\n${text}`).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `es4r-barge-in-${key}.wav`);
  if (!existsSync(path)) {
    try {
      execFileSync('espeak-ng', ['-v', voice, ...pitchArgs, '-s', '160', '-a', '100', '-w', path, text]);
    } catch {
      throw new Error("espeak-ng is missing or failed; install it with: sudo apt-get install -y espeak-ng");
    }
  }
  const wav = readWav(readFileSync(path));
  const resampler = new StreamingResampler(wav.sampleRateHz, SAMPLE_RATE_HZ);
  const out = new Float32Array(resampler.maxOutputLength(wav.samples.length) + resampler.maxOutputLength(0));
  const written = resampler.process(wav.samples, out);
  return out.slice(0, written + resampler.flush(out.subarray(written)));
}

/** Scales a signal to an RMS level in dBFS. */
export function atLevel(signal: Float32Array, rmsDb: number): Float32Array {
  let sum = 0;
  for (const x of signal) sum += x * x;
  const rms = Math.sqrt(sum / Math.max(1, signal.length));
  const scale = rms > 0 ? 10 ** (rmsDb / 20) / rms : 0;
  return signal.map((x) => x * scale);
}
