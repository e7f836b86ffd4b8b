import { describe, expect, it } from 'vitest';
import { cifAlphas, cifReference, integrateAndFire, roundHalfToEven } from './cif.reference';
import { matrix } from './math.reference';

const rows = (m: { rows: number; cols: number; data: Float32Array }) =>
  Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));

function expectRowsClose(actual: number[][], expected: number[][], digits = 5) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[r]![c]!, digits)));
}

const values = matrix(4, 2, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]));

describe('CIF reference', () => {
  it('rounds half to even like torch.round / ONNX Round', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 1].map(roundHalfToEven)).toEqual([0, 2, 2, 4, 2, 3, 1]);
  });

  it('alphas of 0.5 fire twice: the vectors are the means of frame pairs', () => {
    const { alphas, tokenCount } = cifAlphas(Float32Array.from([0.5, 0.5, 0.5, 0.5]));
    expect(tokenCount).toBe(2);
    expectRowsClose(rows(integrateAndFire(values, alphas, tokenCount)), [
      [2, 3],
      [6, 7],
    ]);
  });

  it('splits a crossing frame between the fired vector and the remainder', () => {
    // [0.6, 0.6, 0.8]: sum 2 -> N = 2; frame 1 gives 0.4 to vector 0 and 0.2 to vector 1.
    const { alphas, tokenCount } = cifAlphas(Float32Array.from([0.6, 0.6, 0.8]));
    expect(tokenCount).toBe(2);
    const fired = integrateAndFire(matrix(3, 2, Float32Array.from([1, 0, 0, 1, 10, 10])), alphas, tokenCount);
    expectRowsClose(rows(fired), [
      [0.6, 0.4],
      [8, 8.2],
    ]);
  });

  it('lets a rescaled frame with alpha > 1 fire more than once', () => {
    // [0.99, 0.52]: sum 1.51 -> N = 2; rescaled by 2 / 1.51: a0 = 1.98 / 1.51, a1 = 1.04 / 1.51.
    const { alphas, tokenCount } = cifAlphas(Float32Array.from([0.99, 0.52]));
    expect(tokenCount).toBe(2);
    const a0 = 1.98 / 1.51;
    expect(alphas[0]).toBeCloseTo(a0, 5);
    const fired = integrateAndFire(matrix(2, 2, Float32Array.from([1, 0, 0, 1])), alphas, tokenCount);
    expectRowsClose(rows(fired), [
      [1, 0],
      [a0 - 1, 1.04 / 1.51],
    ]);
  });

  it('rescales the alphas to sum to N (N >= 1 even for a tiny total)', () => {
    for (const raw of [[0.3, 0.3, 0.3], [0.1], [0.01, 0.02], [0.7, 0.9, 0.8, 0.95, 0.2]]) {
      const { alphas, tokenCount } = cifAlphas(Float32Array.from(raw));
      const sum = raw.reduce((a, b) => a + b, 0);
      expect(tokenCount).toBe(Math.max(1, roundHalfToEven(sum)));
      expect(tokenCount).toBeGreaterThanOrEqual(1);
      expect(alphas.reduce((a, b) => a + b, 0)).toBeCloseTo(tokenCount, 5);
      alphas.forEach((a, i) => expect(a / raw[i]!).toBeCloseTo(tokenCount / sum, 4));
    }
  });

  it('emits exactly N vectors when floating point leaves the total just short of or over N', () => {
    const short = integrateAndFire(values, Float32Array.from([0.5, 0.5, 0.5, 0.4999995]), 2);
    expect(short.rows).toBe(2);
    // The last vector is fired at the end of the input with its (slightly short) weight.
    expectRowsClose(rows(short), [
      [2, 3],
      [6, 7],
    ], 4);
    const over = integrateAndFire(values, Float32Array.from([0.5, 0.5, 0.5, 0.5000005]), 2);
    expect(over.rows).toBe(2);
    expectRowsClose(rows(over), [
      [2, 3],
      [6, 7],
    ], 4);
  });

  it('uses sigmoid of the last channel and integrates the other channels; one frame gives one vector', () => {
    // Logit 0 -> alpha 0.5 for all four frames.
    const x = matrix(4, 3, Float32Array.from([1, 2, 0, 3, 4, 0, 5, 6, 0, 7, 8, 0]));
    const out = cifReference(x);
    expect(out.tokenCount).toBe(2);
    expectRowsClose(rows(out.fired), [
      [2, 3],
      [6, 7],
    ]);
    const tiny = cifReference(matrix(1, 3, Float32Array.from([4, -2, -20])));
    expect(tiny.tokenCount).toBe(1);
    expectRowsClose(rows(tiny.fired), [[4, -2]]);
  });
});
