import { describe, expect, it } from 'vitest';
import { percentile } from './percentiles';

describe('percentile', () => {
  it('interpolates between ranks as NumPy does', () => {
    // numpy.percentile([1..10], [50, 90]) = [5.5, 9.1]
    const values = [7, 1, 10, 3, 5, 2, 9, 4, 6, 8];
    expect(percentile(values, 50)).toBeCloseTo(5.5, 12);
    expect(percentile(values, 90)).toBeCloseTo(9.1, 12);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(10);
  });

  it('gives the value itself for one value and NaN for none', () => {
    expect(percentile([42], 90)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
  });

  it('does not reorder its input and rejects p outside 0..100', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
    expect(() => percentile(values, 101)).toThrow(RangeError);
  });
});
