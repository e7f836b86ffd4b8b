import { describe, expect, it } from 'vitest';
import { dualFrontFrames, firstTurnThatFits, rawMelWindow } from './frontPlan';

describe('firstTurnThatFits', () => {
  it('keeps every turn while count x longest fits the limit (padded front)', () => {
    // 3 turns, longest 1000: 3 x 1000 = 3000 fits exactly.
    expect(firstTurnThatFits([1000, 10, 999], true, 3000)).toBe(0);
    // A 4th turn makes 4 x 1000 = 4000: the oldest leaves, then 3 x 1000 fits.
    expect(firstTurnThatFits([5, 1000, 10, 999], true, 3000)).toBe(1);
  });

  it('pads to the longest kept turn, so one long newer turn pushes out many short old ones', () => {
    // Newest 1500 frames: 2 turns x 1500 = 3000 fit, 3 would be 4500.
    expect(firstTurnThatFits([10, 10, 10, 1500], true, 3000)).toBe(2);
  });

  it('holds the padded front to 1000 frames by default: the latest 26 turns of 3 s (38 frames each)', () => {
    const turns = Array.from({ length: 40 }, () => 38);
    // 26 x 38 = 988 <= 1000 < 27 x 38 = 1026
    expect(firstTurnThatFits(turns, true)).toBe(40 - 26);
    // The raw front is Whisper's window: 3000 mel frames.
    expect(firstTurnThatFits([1, 1000, 1000, 1000], false)).toBe(1);
  });

  it('sums raw frames without padding for the raw log-mel front', () => {
    expect(firstTurnThatFits([1000, 1000, 1000], false)).toBe(0);
    expect(firstTurnThatFits([1, 1000, 1000, 1000], false)).toBe(1);
  });

  it('keeps nothing when the latest turn alone is too long', () => {
    expect(firstTurnThatFits([10, 3001], false)).toBe(2);
    expect(firstTurnThatFits([], true)).toBe(0);
  });
});

describe('dualFrontFrames', () => {
  it('is the subsampler length: three times floor((T - 1) / 2) + 1', () => {
    // 100 -> 50 -> 25 -> 13 ; 3000 -> 1500 -> 750 -> 375 ; 1 -> 1 -> 1 -> 1
    expect(dualFrontFrames({ data: new Float32Array(0), nMels: 80, frameCount: 100 })).toBe(13);
    expect(dualFrontFrames({ data: new Float32Array(0), nMels: 80, frameCount: 3000 })).toBe(375);
    expect(dualFrontFrames({ data: new Float32Array(0), nMels: 80, frameCount: 1 })).toBe(1);
  });
});

describe('rawMelWindow', () => {
  it('places the turns one after another in each of the 80 rows and zero-pads to 3000 frames', () => {
    const turn = (frames: number, base: number) => ({ data: Float32Array.from({ length: 80 * frames }, (_, i) => base + i), nMels: 80, frameCount: frames });
    const { window, frames } = rawMelWindow([turn(2, 0), turn(3, 1000)]);
    expect(frames).toBe(5);
    expect(window.length).toBe(80 * 3000);
    // Row 0: turn A frames (0, 1), then turn B frames (1000, 1001, 1002), then zeros.
    expect(Array.from(window.subarray(0, 6))).toEqual([0, 1, 1000, 1001, 1002, 0]);
    // Row 79: A's row 79 is [158, 159]; B's row 79 is [1000 + 237, 1000 + 238, 1000 + 239].
    expect(Array.from(window.subarray(79 * 3000, 79 * 3000 + 6))).toEqual([158, 159, 1237, 1238, 1239, 0]);
    expect(window.subarray(79 * 3000 + 5).every((v) => v === 0)).toBe(true);
  });

  it('refuses more than 3000 frames', () => {
    expect(() => rawMelWindow([{ data: new Float32Array(80 * 3001), nMels: 80, frameCount: 3001 }])).toThrow(/3001 frames exceed/);
  });
});
