import { describe, expect, it } from 'vitest';
import { lcgNoise32 } from '../../../test/support/lcgNoise';
import { syllableNoise } from '../../../test/support/syllableNoise';
import type { FeatureBatch } from '../../audio/featureBatch';
import { FeaturePipeline } from '../../audio/featurePipeline';
import type { VoiceActivityDetector } from '../../models/vad/vadContract';
import { BargeInListener, type BargeInListenEvent } from './bargeInListener';
import { ReferenceStream } from './referenceStream';

const RATE_HZ = 16000;
const N_MELS = 80;
const FRAME_MS = 10;
const seconds = (s: number): number => Math.round(s * RATE_HZ);

/** Like a VAD over the assistant's echo: any chunk louder than -50 dBFS RMS is speech, so the VAD alone never tells echo from the user. */
class LoudnessVad implements VoiceActivityDetector {
  async probability(chunk: Float32Array): Promise<number> {
    let sum = 0;
    for (const x of chunk) sum += x * x;
    return Math.sqrt(sum / chunk.length) > 10 ** (-50 / 20) ? 0.9 : 0.05;
  }
  reset(): void {}
}

/** Speech-like: low-passed noise in 'syllables' of 80-240 ms with 40-160 ms gaps, about -25 dBFS RMS while on. */
const syllables = (length: number, seed: number): Float32Array =>
  syllableNoise(length, seed, RATE_HZ, { onS: [0.08, 0.16], offS: [0.04, 0.12], gain: 0.07, smoothing: 0.7, choices: 512 });

/** A voiced talker unlike the reply: a 140 Hz pulse train through a 700 Hz resonance, in 150 ms syllables with 50 ms gaps, at `rms` while on. */
function voice(length: number, rms: number): Float32Array {
  const out = new Float32Array(length);
  const r = Math.exp((-Math.PI * 150) / RATE_HZ);
  const a1 = 2 * r * Math.cos((2 * Math.PI * 700) / RATE_HZ);
  const period = Math.round(RATE_HZ / 140);
  for (let n = 0; n < length; n++) {
    const on = n % seconds(0.2) < seconds(0.15);
    out[n] = (on && n % period === 0 ? 1 : 0) + a1 * (out[n - 1] ?? 0) - r * r * (out[n - 2] ?? 0);
  }
  let sum = 0;
  let count = 0;
  for (let n = 0; n < length; n++) if (n % seconds(0.2) < seconds(0.15)) (sum += out[n]! ** 2), count++;
  const scale = rms / Math.sqrt(sum / count);
  return out.map((x) => x * scale);
}

/** The room, by direct convolution: the direct sound after 40 ms and three reflections, `gain` overall (amplitude). */
function echoOf(played: Float32Array, gain: number): Float32Array {
  const taps: [number, number][] = [
    [seconds(0.04), 1],
    [seconds(0.043), -0.5],
    [seconds(0.051), 0.3],
    [seconds(0.07), -0.15],
  ];
  const echo = new Float32Array(played.length);
  for (const [delay, weight] of taps) for (let n = delay; n < played.length; n++) echo[n]! += gain * weight * played[n - delay]!;
  return echo;
}

/** Feeds the listener as the page does: the microphone in 128-sample render quanta, batches of one frame, the reference 64 ms ahead. */
async function listen(mic: Float32Array, played: Float32Array): Promise<BargeInListenEvent[]> {
  const listener = new BargeInListener({ vad: new LoudnessVad(), nMels: N_MELS });
  const reference = new ReferenceStream(RATE_HZ, N_MELS, (placed) => listener.writeReference(placed));
  const batches: FeatureBatch[] = [];
  const pipeline = new FeaturePipeline({ inputRateHz: RATE_HZ, nMels: N_MELS, batchFrames: 1, onBatch: (b) => batches.push({ ...b, pcm16k: b.pcm16k.slice(), logMel: b.logMel.slice(), energy: b.energy.slice() }) });
  const events: BargeInListenEvent[] = [];
  const lead = seconds(0.064);
  reference.push(played.subarray(0, lead));
  for (let start = 0; start < mic.length; start += 128) {
    reference.push(played.subarray(start + lead, start + lead + 128));
    pipeline.push(mic.subarray(start, start + 128));
    for (let batch = batches.shift(); batch; batch = batches.shift()) events.push(...(await listener.push(batch)));
  }
  return [...events, ...(await listener.flush())];
}

describe('BargeInListener', { timeout: 60_000 }, () => {
  const played = syllables(seconds(12), 31);
  const noise = lcgNoise32(played.length, 5).map((x) => x * 1e-4);
  const echo = echoOf(played, 0.5).map((x, n) => x + noise[n]!);

  it('does not barge in on its own echo at -6 dB: every duck is restored, no turn is kept', async () => {
    const events = await listen(echo, played);
    expect(events.filter((e) => e.type === 'confirmed')).toEqual([]);
    expect(events.filter((e) => e.type === 'turn')).toEqual([]);
    expect(events.filter((e) => e.type === 'restore').length).toBe(events.filter((e) => e.type === 'duck').length);
  });

  // Onsets are frame centres: the frame centred 10 ms before the voice already hears it through its 25 ms window.
  // The echo is about -30 dBFS while the reply speaks: a voice 10 dB over it, and one 6 dB under it (heard once the canceller took the echo away).
  for (const voiceDb of [-20, -36]) {
    it(`barges in on a voice at ${voiceDb} dBFS over the echo: ducked within 3 frames of its onset, confirmed after 20 to 26, the turn starting at it`, async () => {
      const userFrom = seconds(7);
      const user = voice(seconds(1.5), 10 ** (voiceDb / 20));
      const mic = echo.slice();
      user.forEach((x, i) => (mic[userFrom + i]! += x));
      const events = await listen(mic, played);
      const userMs = (userFrom * 1000) / RATE_HZ;
      const framesAfterUser = (ms: number): number => (ms - userMs) / FRAME_MS;
      const confirmed = events.filter((e) => e.type === 'confirmed');
      expect(confirmed).toHaveLength(1);
      const bargeIn = confirmed[0]!;
      expect(bargeIn.playing).toBe(true);
      expect(Math.abs(framesAfterUser(bargeIn.onsetMs))).toBeLessThanOrEqual(2);
      // Confirmation needs 200 ms of the user's frames: never sooner, and the voice's gaps cost a few frames.
      expect(framesAfterUser(bargeIn.atMs)).toBeGreaterThanOrEqual(20);
      expect(framesAfterUser(bargeIn.atMs)).toBeLessThanOrEqual(26);
      const duckAt = events.findIndex((e) => e.type === 'duck' && framesAfterUser(e.atMs) >= -2);
      expect(framesAfterUser((events[duckAt] as { atMs: number }).atMs)).toBeLessThanOrEqual(3);
      expect(events.slice(duckAt, events.indexOf(bargeIn)).filter((e) => e.type === 'restore')).toEqual([]);
      const turn = events.find((e) => e.type === 'tentativeTurn' || e.type === 'turn') as { turn: { startMs: number } } | undefined;
      expect(Math.abs(framesAfterUser(turn!.turn.startMs))).toBeLessThanOrEqual(2);
    });
  }
});
