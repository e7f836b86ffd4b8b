import { describe, expect, it } from 'vitest';
import { meterFraction, meterNeedsRepaint, meterShownDb, meterValueDb } from './meterScale';

describe('level meter scale', () => {
  it('clamps to -70..+20 dB, silence at the floor, in whole dB', () => {
    expect(meterValueDb(-Infinity)).toBe(-70);
    expect(meterValueDb(-200)).toBe(-70);
    expect(meterValueDb(35)).toBe(20);
    expect(meterValueDb(-12.4)).toBe(-12);
    expect(meterFraction(-70)).toBe(0);
    expect(meterFraction(20)).toBe(1);
    expect(meterFraction(-25)).toBeCloseTo(0.5, 10);
  });

  it('repaints for a change of 3 dB or more, not for a noise floor wandering by a dB or two', () => {
    expect(meterNeedsRepaint(null, -50)).toBe(true);
    expect(meterNeedsRepaint(-50, -51.6)).toBe(false);
    expect(meterNeedsRepaint(-50, -48.4)).toBe(false);
    expect(meterNeedsRepaint(-50, -52.6)).toBe(true);
    expect(meterNeedsRepaint(-50, -20)).toBe(true);
  });

  it('always reaches the ends of the range: silence and full scale are shown exactly', () => {
    expect(meterNeedsRepaint(-69, -200)).toBe(true);
    expect(meterNeedsRepaint(-70, -200)).toBe(false);
    expect(meterNeedsRepaint(19, 30)).toBe(true);
  });

  it('tells a quiet room from no level at all (the microphone off), both ways', () => {
    expect(meterShownDb(-Infinity)).toBe(-Infinity);
    expect(meterNeedsRepaint(-70, -Infinity)).toBe(true);
    expect(meterNeedsRepaint(-Infinity, -200)).toBe(true);
    expect(meterNeedsRepaint(-Infinity, -Infinity)).toBe(false);
  });
});
