import { SAMPLE_RATE_HZ } from '../../src/audio/dsp/constants';
import { seededRandom } from '../tinyPack/seededRandom';
import { gaussian } from './random';

/** A simulated loudspeaker-to-microphone path. */
export interface Room {
  delayMs: number;
  /** Echo energy relative to the signal played. */
  gainDb: number;
  /** Reverberation time: reflections decay 60 dB over it. */
  rt60Ms: number;
  /** The microphone's clock runs this much fast (+) or slow (-) against the player's. */
  driftPpm: number;
  seed: number;
}

/** Reflections of the sparse impulse response, after the direct sound. */
const REFLECTIONS = 300;

/** A synthetic impulse response: the direct sound and sparse reflections with an exponential decay, unit energy. */
export function impulseResponse({ rt60Ms, seed }: Pick<Room, 'rt60Ms' | 'seed'>): { taps: Int32Array; gains: Float32Array } {
  const random = seededRandom(seed);
  const taps = new Int32Array(REFLECTIONS + 1);
  const gains = new Float32Array(REFLECTIONS + 1);
  gains[0] = 1;
  const lengthSamples = (rt60Ms / 1000) * SAMPLE_RATE_HZ;
  for (let i = 1; i <= REFLECTIONS; i++) {
    const tap = Math.round(0.002 * SAMPLE_RATE_HZ + random() * lengthSamples);
    taps[i] = tap;
    // -60 dB at rt60; the reflections together carry about as much energy as the direct sound.
    gains[i] = (gaussian(random) * 10 ** ((-3 * tap) / lengthSamples)) * Math.sqrt(6 / REFLECTIONS);
  }
  let energy = 0;
  for (const g of gains) energy += g * g;
  const norm = 1 / Math.sqrt(energy);
  return { taps, gains: gains.map((g) => g * norm) };
}

/** What the microphone picks up of `played` (16 kHz) in `room`, `lengthSamples` long. */
export function echoOf(played: Float32Array, room: Room, lengthSamples: number): Float32Array {
  const { taps, gains } = impulseResponse(room);
  const scale = 10 ** (room.gainDb / 20);
  const delay = (room.delayMs / 1000) * SAMPLE_RATE_HZ;
  const ratio = 1 + room.driftPpm * 1e-6;
  const echo = new Float32Array(lengthSamples);
  for (let tap = 0; tap < taps.length; tap++) {
    const gain = gains[tap]! * scale;
    for (let n = 0; n < lengthSamples; n++) {
      // Drift: the microphone's sample n is the player's time n * ratio.
      const t = n * ratio - delay - taps[tap]!;
      const i = Math.floor(t);
      if (i < 0 || i + 1 >= played.length) continue;
      const frac = t - i;
      echo[n]! += gain * (played[i]! * (1 - frac) + played[i + 1]! * frac);
    }
  }
  return echo;
}

/** Adds white noise at `levelDb` dBFS RMS (the microphone's own noise). */
export function addNoise(signal: Float32Array, levelDb: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const sigma = 10 ** (levelDb / 20);
  return signal.map((x) => x + sigma * gaussian(random));
}

/** Adds `source` into `target` from sample `at`. */
export function mixInto(target: Float32Array, source: Float32Array, at: number): void {
  for (let i = 0; i < source.length && at + i < target.length; i++) if (at + i >= 0) target[at + i]! += source[i]!;
}
