import { describe, expect, it } from 'vitest';
import { compareOutputs } from './compareOutputs';

describe('compareOutputs', () => {
  it('measures the largest difference relative to the reference magnitude', () => {
    const result = compareOutputs([Float32Array.from([1, 2.5]), Float32Array.from([-4])], [Float32Array.from([1, 2]), Float32Array.from([-3.9])]);
    expect(result.mismatch).toBeNull();
    expect(result.maxAbsDiff).toBeCloseTo(0.5, 6);
    // max |reference| = 3.9
    expect(result.relativeError).toBeCloseTo(0.5 / 3.9, 6);
  });

  it('calls identical outputs equal, even all zeros', () => {
    expect(compareOutputs([new Float32Array(4)], [new Float32Array(4)])).toEqual({ maxAbsDiff: 0, relativeError: 0, mismatch: null });
  });

  it('refuses to compare different shapes or NaN', () => {
    expect(compareOutputs([new Float32Array(3)], [new Float32Array(4)]).mismatch).toBe('output 0 has 3 values vs 4');
    expect(compareOutputs([Float32Array.from([NaN])], [Float32Array.from([1])]).mismatch).toBe('output 0 holds NaN at 0');
    expect(compareOutputs([], [new Float32Array(1)]).relativeError).toBe(Infinity);
  });
});
