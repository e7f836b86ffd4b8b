import { describe, expect, it } from 'vitest';
import { lcgNoise32 } from '../../../test/support/lcgNoise';
import { syllableNoise } from '../../../test/support/syllableNoise';
import { EchoCanceller } from './echoCanceller';

const RATE_HZ = 16000;
const BLOCK = 160;

/** Speech-like: low-passed noise gated into 'syllables' of 60-250 ms with 40-200 ms gaps, about -20 dBFS while on. */
const syllables = (length: number, seed: number): Float32Array =>
  syllableNoise(length, seed, RATE_HZ, { onS: [0.06, 0.19], offS: [0.04, 0.16], gain: 0.07, smoothing: 0.7, choices: 512 });

/** A room: direct sound after `delaySamples`, then sparse reflections decaying 60 dB over rt60Samples, unit energy, times `gain`. */
function room(delaySamples: number, rt60Samples: number, gain: number, seed: number): { taps: Int32Array; gains: Float64Array } {
  const choices = lcgNoise32(2 * 201, seed);
  const taps = Int32Array.from({ length: 201 }, (_, r) => (r === 0 ? delaySamples : delaySamples + 32 + Math.floor(Math.abs(choices[2 * r]!) * rt60Samples)));
  const raw = Float64Array.from({ length: 201 }, (_, r) => (r === 0 ? 1 : choices[2 * r + 1]! * 10 ** ((-3 * (taps[r]! - delaySamples)) / rt60Samples) * 0.17));
  let energy = 0;
  for (const g of raw) energy += g * g;
  return { taps, gains: raw.map((g) => (g * gain) / Math.sqrt(energy)) };
}

/** The microphone's echo by direct sparse convolution, the played clock read `ratio` times faster (drift, linear interpolation). */
function echoOf(played: Float32Array, { taps, gains }: ReturnType<typeof room>, ratio = 1): Float32Array {
  const echo = new Float32Array(played.length);
  for (let r = 0; r < taps.length; r++) {
    for (let n = 0; n < echo.length; n++) {
      const t = n * ratio - taps[r]!;
      const i = Math.floor(t);
      if (i < 0 || i + 1 >= played.length) continue;
      echo[n]! += gains[r]! * (played[i]! * (1 - (t - i)) + played[i + 1]! * (t - i));
    }
  }
  return echo;
}

const add = (...signals: Float32Array[]): Float32Array => signals[0]!.map((_, n) => signals.reduce((sum, s) => sum + s[n]!, 0));

/** Runs the canceller the way the listener does: 10 ms blocks, the reference written 64 ms ahead of the microphone. */
function cancel(
  canceller: EchoCanceller,
  mic: Float32Array,
  played: Float32Array,
  delaySamples: number | null,
  userPresent: (sample: number) => boolean = () => false,
  beforeBlock: (sample: number) => void = () => {},
): Float32Array {
  const residual = new Float32Array(mic.length);
  const lead = 1024;
  canceller.writeReference(0, played.subarray(0, lead));
  canceller.setDelay(delaySamples);
  for (let start = 0; start + BLOCK <= mic.length; start += BLOCK) {
    canceller.writeReference(start + lead, played.subarray(start + lead, start + lead + BLOCK));
    beforeBlock(start);
    const written = canceller.process(mic.subarray(start, start + BLOCK), residual.subarray(start, start + BLOCK), userPresent(start));
    expect(written).toBe(BLOCK);
  }
  return residual;
}

const energy = (signal: Float32Array, from: number, to: number): number => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += signal[i]! ** 2;
  return sum;
};
const dB = (ratio: number): number => 10 * Math.log10(ratio);
const seconds = (s: number): number => Math.round(s * RATE_HZ);

describe('EchoCanceller', () => {
  const played = syllables(seconds(10), 11);
  const delay = seconds(0.15);

  it('passes the microphone through untouched until the delay is known', () => {
    const mic = add(echoOf(played, room(delay, 2000, 0.5, 3)), lcgNoise32(played.length, 4).map((x) => x * 1e-3));
    const residual = cancel(new EchoCanceller(), mic, played, null);
    expect(residual).toEqual(mic);
  });

  it('removes the echo of a room within its taps by 25 dB or more after 3 s, and by 12 dB in its second second', () => {
    const echo = echoOf(played, room(delay, seconds(0.12), 0.5, 3));
    const floor = lcgNoise32(played.length, 4).map((x) => x * 1e-4);
    const residual = cancel(new EchoCanceller(), add(echo, floor), played, delay);
    expect(dB(energy(echo, seconds(3), seconds(10)) / energy(residual, seconds(3), seconds(10)))).toBeGreaterThan(25);
    expect(dB(energy(echo, seconds(1), seconds(2)) / energy(residual, seconds(1), seconds(2)))).toBeGreaterThan(12);
  });

  it('removes most of a long reverberant room (RT60 500 ms, beyond its 200 ms of taps) and a drifting clock (60 ppm)', () => {
    const echo = echoOf(played, room(delay, seconds(0.5), 0.5, 5), 1 + 60e-6);
    const residual = cancel(new EchoCanceller(), echo, played, delay);
    // Drift moves the response 1 sample a second: the taps lag it, which costs the high frequencies most.
    expect(dB(energy(echo, seconds(3), seconds(10)) / energy(residual, seconds(3), seconds(10)))).toBeGreaterThan(9);
  });

  it('tolerates a delay estimate a few blocks off, either way', () => {
    const echo = echoOf(played, room(delay, seconds(0.12), 0.5, 3));
    for (const offBlocks of [-2, 2]) {
      const residual = cancel(new EchoCanceller(), echo, played, delay + offBlocks * BLOCK);
      expect(dB(energy(echo, seconds(3), seconds(10)) / energy(residual, seconds(3), seconds(10)))).toBeGreaterThan(20);
    }
  });

  it('keeps the user talking over the echo: their speech comes out 15 dB above what is left of the echo, with or without being told', () => {
    const echo = echoOf(played, room(delay, seconds(0.25), 0.5, 7));
    const user = new Float32Array(played.length);
    const userFrom = seconds(5);
    user.set(syllables(seconds(3), 21).map((x) => 0.5 * x), userFrom);
    const mic = add(echo, user);
    for (const told of [false, true]) {
      const residual = cancel(new EchoCanceller(), mic, played, delay, (sample) => told && sample >= userFrom && sample < userFrom + seconds(3));
      const leftover = residual.map((x, n) => x - user[n]!);
      const during = [userFrom, userFrom + seconds(3)] as const;
      expect(dB(energy(user, ...during) / energy(leftover, ...during))).toBeGreaterThan(15);
      // The filter did not learn the user: the echo after them is still cancelled.
      expect(dB(energy(echo, seconds(8.2), seconds(10)) / energy(residual, seconds(8.2), seconds(10)))).toBeGreaterThan(15);
    }
  });

  it('is not thrown off by bursts 35 dB over a weak echo (-30 dB path, 15 dB over the noise): the echo after them is still cancelled', () => {
    const echo = echoOf(played, room(delay, seconds(0.12), 0.03, 3));
    const floor = lcgNoise32(played.length, 4).map((x) => x * 1e-3);
    const bursts = new Float32Array(played.length);
    for (const at of [2, 4, 6, 8]) bursts.set(lcgNoise32(seconds(0.15), at).map((x) => 0.5 * x), seconds(at));
    const residual = cancel(new EchoCanceller(), add(echo, floor, bursts), played, delay);
    const echoLeft = residual.map((x, n) => x - bursts[n]! - floor[n]!);
    for (const at of [2, 4, 6, 8]) {
      const after = [seconds(at + 0.3), seconds(at + 1.9)] as const;
      // Learned on one burst, the filter would add 40 dB of it to the echo instead.
      expect(dB(energy(echo, ...after) / energy(echoLeft, ...after))).toBeGreaterThan(6);
    }
  });

  it('keeps what it learned when the bulk delay moves: the taps move with it', () => {
    const echo = echoOf(played, room(delay, seconds(0.12), 0.5, 3));
    const canceller = new EchoCanceller();
    // The same room, estimated 20 ms later from 6 s on: without the shift the response would sit 2 blocks off.
    const residual = cancel(canceller, echo, played, delay, () => false, (sample) => sample === seconds(6) && canceller.setDelay(delay + seconds(0.02)));
    expect(canceller.stats.bulkDelaySamples).toBe(delay + seconds(0.02) - 3 * BLOCK);
    expect(dB(energy(echo, seconds(6), seconds(6.5)) / energy(residual, seconds(6), seconds(6.5)))).toBeGreaterThan(20);
  });
});
