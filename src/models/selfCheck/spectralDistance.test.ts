import { describe, expect, it } from 'vitest';
import { spectralDistanceDb } from './spectralDistance';

const SAMPLE_RATE = 24_000;

/** A voiced-like signal: a 150 Hz pulse train's first harmonics with a slow amplitude swell. */
function voiced(lengthSamples: number, delaySamples = 0): Float32Array {
  const out = new Float32Array(lengthSamples);
  for (let n = 0; n < lengthSamples; n++) {
    const t = (n + delaySamples) / SAMPLE_RATE;
    let value = 0;
    for (let h = 1; h <= 12; h++) value += Math.sin(2 * Math.PI * 150 * h * t) / h;
    out[n] = 0.2 * value * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t));
  }
  return out;
}

describe('spectralDistanceDb', () => {
  it('is zero for the same signal and |20 log10 g| for a gain g (power scales by g^2 in every bin)', () => {
    const signal = voiced(12_000);
    expect(spectralDistanceDb(signal, signal)).toBe(0);
    expect(spectralDistanceDb(signal.map((x) => x * 2), signal)).toBeCloseTo(20 * Math.log10(2), 6);
  });

  it('stays small for a shifted, slightly longer rendering of the same sound', () => {
    expect(spectralDistanceDb(voiced(13_000, 37), voiced(12_000))).toBeLessThan(1);
  });

  it('is large when the spectrum is mirrored (x[n] (-1)^n moves f to fs/2 - f)', () => {
    const signal = voiced(12_000);
    expect(spectralDistanceDb(signal.map((x, n) => (n % 2 ? -x : x)), signal)).toBeGreaterThan(20);
  });
});
