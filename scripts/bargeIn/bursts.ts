import { SAMPLE_RATE_HZ } from '../../src/audio/dsp/constants';
import { seededRandom } from '../tinyPack/seededRandom';
import { gaussian } from './random';

export type BurstKind = 'cough' | 'clap' | 'knock';

const samplesOf = (ms: number): number => Math.round((ms / 1000) * SAMPLE_RATE_HZ);

/** Two-pole resonator: noise through it sounds like a vocal tract's or a door's resonance. */
function resonate(input: Float32Array, centreHz: number, bandwidthHz: number): Float32Array {
  const r = Math.exp((-Math.PI * bandwidthHz) / SAMPLE_RATE_HZ);
  const a1 = 2 * r * Math.cos((2 * Math.PI * centreHz) / SAMPLE_RATE_HZ);
  const a2 = -r * r;
  const out = new Float32Array(input.length);
  for (let n = 0; n < input.length; n++) out[n] = (1 - r) * input[n]! + a1 * (out[n - 1] ?? 0) + a2 * (out[n - 2] ?? 0);
  return out;
}

function normalizePeak(signal: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (const x of signal) max = Math.max(max, Math.abs(x));
  return max > 0 ? signal.map((x) => (x * peak) / max) : signal;
}

/**
 * A synthesised non-speech burst shorter than 200 ms, at `peak`: a cough (resonant noise, fast attack, decay over
 * `durationMs`), a clap (a 10 ms broadband crack), or a knock (two damped low thuds 120 ms apart).
 */
export function burst(kind: BurstKind, durationMs: number, peak: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const length = samplesOf(durationMs);
  const noise = Float32Array.from({ length }, () => gaussian(random));
  switch (kind) {
    case 'cough': {
      const shaped = resonate(noise, 600 + 600 * random(), 500);
      const attack = samplesOf(15);
      return normalizePeak(shaped.map((x, n) => x * Math.min(1, n / attack) * Math.exp((-4 * n) / length)), peak);
    }
    case 'clap':
      return normalizePeak(noise.map((x, n) => x * Math.exp(-n / samplesOf(4))), peak);
    case 'knock': {
      const thud = new Float32Array(length);
      for (const start of [0, samplesOf(120)]) {
        const f = 150 + 100 * random();
        for (let n = 0; start + n < length && n < samplesOf(60); n++) {
          thud[start + n] = Math.sin((2 * Math.PI * f * n) / SAMPLE_RATE_HZ) * Math.exp(-n / samplesOf(12)) + 0.3 * noise[start + n]! * Math.exp(-n / samplesOf(2));
        }
      }
      return normalizePeak(thud, peak);
    }
  }
}
