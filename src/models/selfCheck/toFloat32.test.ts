import { describe, expect, it } from 'vitest';
import { halfToFloat, toFloat32 } from './toFloat32';

describe('toFloat32', () => {
  // Bit patterns and values from the IEEE 754 binary16 table (e.g. Wikipedia "Half-precision floating-point format").
  it.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504],
    [0x0400, 6.103515625e-5],
    [0x0001, 5.960464477539063e-8],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('decodes half 0x%s', (bits, value) => {
    expect(halfToFloat(bits)).toBe(value);
  });

  it('reads float16 tensors from their bits, not as float32 words', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000, 0x3555]);
    expect(Array.from(toFloat32({ type: 'float16', data: bits }))).toEqual([1, -2, Math.fround(0.333251953125)]);
    expect(Number.isNaN(toFloat32({ type: 'float16', data: Uint16Array.from([0x7e00]) })[0])).toBe(true);
  });

  it('passes float32 through and widens other types', () => {
    const floats = Float32Array.from([0.5]);
    expect(toFloat32({ type: 'float32', data: floats })).toBe(floats);
    expect(Array.from(toFloat32({ type: 'float64', data: Float64Array.from([0.25, -3]) }))).toEqual([0.25, -3]);
    expect(Array.from(toFloat32({ type: 'int64', data: BigInt64Array.from([7n, -2n]) }))).toEqual([7, -2]);
    expect(Array.from(toFloat32({ type: 'int8', data: Int8Array.from([-128, 127]) }))).toEqual([-128, 127]);
  });
});
