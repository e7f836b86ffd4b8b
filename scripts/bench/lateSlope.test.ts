import { describe, expect, it } from 'vitest';
import { lateHalf, slopePerTurn } from './lateSlope';

describe('slopePerTurn', () => {
  it('recovers the slope of a straight line exactly', () => {
    const points = [10, 20, 30, 40].map((turn) => ({ turn, bytes: 5e8 + 3e6 * turn }));
    expect(slopePerTurn(points)).toBeCloseTo(3e6, 3);
  });

  it('is zero for a series that rises and falls back (a bounded sawtooth)', () => {
    expect(slopePerTurn([{ turn: 10, bytes: 100 }, { turn: 20, bytes: 120 }, { turn: 30, bytes: 120 }, { turn: 40, bytes: 100 }])).toBeCloseTo(0, 9);
  });

  it('refuses a single turn', () => {
    expect(() => slopePerTurn([{ turn: 10, bytes: 1 }, { turn: 10, bytes: 2 }])).toThrow(/two or more turns/);
  });
});

describe('lateHalf', () => {
  it('keeps the samples from the middle turn on, so an early spike does not count', () => {
    const points = [10, 20, 30, 40, 50].map((turn) => ({ turn, bytes: turn === 10 ? 2e9 : 8e8 }));
    const late = lateHalf(points);
    expect(late.map((point) => point.turn)).toEqual([30, 40, 50]);
    expect(slopePerTurn(late)).toBe(0);
  });

  it('keeps the last two samples when the run has only two', () => {
    expect(lateHalf([{ turn: 20, bytes: 2 }, { turn: 10, bytes: 1 }]).map((point) => point.turn)).toEqual([10, 20]);
  });
});
