import { describe, expect, it } from 'vitest';
import { normalizeWhisperLogMel, transposeFrameMajor } from './whisperNormalize';

describe('normalizeWhisperLogMel', () => {
  it('clamps 8 below the maximum, then maps x -> (x + 4) / 4', () => {
    const x = Float32Array.from([-10, 0, 1, -7.5, -6]);
    normalizeWhisperLogMel(x);
    // max 1, floor -7: [-7, 0, 1, -7, -6] -> [-0.75, 1, 1.25, -0.75, -0.5]
    expect(Array.from(x)).toEqual([-0.75, 1, 1.25, -0.75, -0.5]);
  });

  it('maps digital silence (-10 everywhere) to -1.5', () => {
    const x = new Float32Array(6).fill(-10);
    normalizeWhisperLogMel(x);
    expect(Array.from(x)).toEqual(new Array(6).fill(-1.5));
  });
});

describe('transposeFrameMajor', () => {
  it('turns [frames x nMels] into [nMels x frames], into a caller buffer', () => {
    const frameMajor = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2 frames x 3 mels
    const out = new Float32Array(6);
    expect(transposeFrameMajor(frameMajor, 3, out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('rejects a partial frame', () => {
    expect(() => transposeFrameMajor(new Float32Array(5), 3)).toThrow();
  });
});
