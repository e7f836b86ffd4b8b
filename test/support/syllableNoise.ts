import { lcgNoise32 } from './lcgNoise';

/** How `syllableNoise` gates and colours its noise; durations are [shortest, span] in seconds. */
export interface SyllableShape {
  onS: readonly [number, number];
  offS: readonly [number, number];
  /** Amplitude of the output while on. */
  gain: number;
  /** One-pole low-pass feedback (0: white noise), carried across syllables. */
  smoothing: number;
  /** How many seeded choices the durations cycle through. */
  choices: number;
}

/** Speech-like test signal: seeded noise gated into 'syllables' of random length with random gaps. */
export function syllableNoise(length: number, seed: number, rateHz: number, { onS, offS, gain, smoothing, choices: choiceCount }: SyllableShape): Float32Array {
  const carrier = lcgNoise32(length, seed);
  const choices = lcgNoise32(choiceCount, seed + 1);
  const out = new Float32Array(length);
  let smooth = 0;
  for (let k = 0, at = 0; at < length; k++) {
    const on = Math.round((onS[0] + onS[1] * Math.abs(choices[(2 * k) % choiceCount]!)) * rateHz);
    const off = Math.round((offS[0] + offS[1] * Math.abs(choices[(2 * k + 1) % choiceCount]!)) * rateHz);
    for (let i = at; i < Math.min(length, at + on); i++) {
      smooth = smoothing * smooth + carrier[i]!;
      out[i] = gain * smooth;
    }
    at += on + off;
  }
  return out;
}
