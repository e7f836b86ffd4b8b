import { describe, expect, it } from 'vitest';
import { periodicHann } from './window';

describe('periodicHann', () => {
  it('has the periodic values 0, 0.5, 1, 0.5 for size 4 (the symmetric window would end in 0)', () => {
    const w = periodicHann(4);
    [0, 0.5, 1, 0.5].forEach((value, n) => expect(w[n]).toBeCloseTo(value, 15));
  });

  it('for size 400: w[0] = 0, w[100] = 0.5, w[200] = 1, w[399] = sin^2(pi/400), sum = 200', () => {
    const w = periodicHann(400);
    expect(w[0]).toBe(0);
    expect(w[100]).toBeCloseTo(0.5, 15);
    expect(w[200]).toBe(1);
    expect(w[399]).toBeCloseTo(Math.sin(Math.PI / 400) ** 2, 15);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(200, 12);
  });
});
