import { describe, expect, it } from 'vitest';
import { ComplexFft, RealPowerSpectrum } from './fft';
import { periodicHann } from './window';

/** O(N^2) DFT power, written independently of the FFT as its reference. */
function naiveDftPower(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const power = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * k * t) / n;
      re += x[t]! * Math.cos(angle);
      im += x[t]! * Math.sin(angle);
    }
    power[k] = re * re + im * im;
  }
  return power;
}

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  return worst;
}

describe('RealPowerSpectrum(400)', () => {
  const spectrum = new RealPowerSpectrum(400);
  const power = new Float64Array(201);

  it('gives a flat spectrum of 1 for a unit impulse', () => {
    const frame = new Float64Array(400);
    frame[0] = 1;
    spectrum.compute(frame, power);
    for (const p of power) expect(p).toBeCloseTo(1, 12);
  });

  it('puts all the power of a windowed DC frame in bins 0 and 1: (sum w)^2 and (sum w / 2)^2', () => {
    const window = periodicHann(400);
    spectrum.compute(window, power);
    // sum of a periodic Hann of size N is N / 2; its DFT is N/2 at k=0 and -N/4 at k=+-1, zero elsewhere.
    expect(power[0]).toBeCloseTo(200 * 200, 8);
    expect(power[1]).toBeCloseTo(100 * 100, 8);
    for (let k = 2; k < 201; k++) expect(power[k]).toBeLessThan(1e-12);
  });

  it('peaks at the bin of a sine on a bin centre (bin 25 = 1 kHz): (N/2)^2 there', () => {
    const frame = new Float64Array(400);
    for (let t = 0; t < 400; t++) frame[t] = Math.sin((2 * Math.PI * 25 * t) / 400);
    spectrum.compute(frame, power);
    expect(power[25]).toBeCloseTo(200 * 200, 6);
    let others = 0;
    for (let k = 0; k < 201; k++) if (k !== 25) others = Math.max(others, power[k]!);
    expect(others).toBeLessThan(1e-16);
  });

  it('matches an O(N^2) DFT on random frames to 1e-12 relative', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    for (let trial = 0; trial < 5; trial++) {
      const frame = Float64Array.from({ length: 400 }, random);
      spectrum.compute(frame, power);
      expect(maxRelativeError(power, naiveDftPower(frame))).toBeLessThan(1e-12);
    }
  });

  it('supports other sizes built from 2, 3, 4, 5 (e.g. 2 * 3 * 5 * 4 * 2 = 240, 18, 6, 2)', () => {
    for (const size of [240, 18, 6, 2, 512]) {
      const frame = Float64Array.from({ length: size }, (_, t) => Math.cos(t * 0.37) + (t % 3) * 0.1);
      const out = new Float64Array(size / 2 + 1);
      new RealPowerSpectrum(size).compute(frame, out);
      expect(maxRelativeError(out, naiveDftPower(frame))).toBeLessThan(1e-12);
    }
  });

  it('rejects sizes with other prime factors', () => {
    expect(() => new ComplexFft(7)).toThrow();
  });
});
