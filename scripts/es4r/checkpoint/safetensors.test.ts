import { describe, expect, it } from 'vitest';
import { entryToFloat32, f16ToF32, f32ToF16, readFloatTensors, readSafetensors, SafetensorsError, writeSafetensors } from './safetensors';

/** A safetensors file built by hand: header JSON (unpadded) + raw data bytes. */
function handBuilt(header: unknown, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('reads hand-built F32, F16 and BF16 tensors and metadata', () => {
    // F32 [2]: 1.5, -2  | F16 [2]: 1.0 (0x3c00), -0.5 (0xb800) | BF16 [1]: 3.0 (0x4040)
    const f32 = [0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0];
    const f16 = [0x00, 0x3c, 0x00, 0xb8];
    const bf16 = [0x40, 0x40];
    const bytes = handBuilt(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F16', shape: [2, 1], data_offsets: [8, 12] },
        c: { dtype: 'BF16', shape: [], data_offsets: [12, 14] },
        ids: { dtype: 'I64', shape: [0], data_offsets: [14, 14] },
      },
      [...f32, ...f16, ...bf16],
    );
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect([...file.entries.keys()]).toEqual(['a', 'b', 'c', 'ids']);
    expect([...entryToFloat32(file.entries.get('a')!)]).toEqual([1.5, -2]);
    expect(file.entries.get('b')!.shape).toEqual([2, 1]);
    expect([...entryToFloat32(file.entries.get('b')!)]).toEqual([1, -0.5]);
    expect([...entryToFloat32(file.entries.get('c')!)]).toEqual([3]);
    expect(() => entryToFloat32(file.entries.get('ids')!, 'ids')).toThrow(/ids.*I64/);
  });

  it('round-trips F32 exactly and F16 to half precision', () => {
    const data = Float32Array.from([0, 1, -1, 0.1, 65504, 1e-6, -3.25, 1234.5]);
    const f32 = readFloatTensors(writeSafetensors([['w', { shape: [2, 4], data }]], { metadata: { k: 'v' } }));
    expect(f32.get('w')!.shape).toEqual([2, 4]);
    expect([...f32.get('w')!.data]).toEqual([...data]);
    const f16 = readFloatTensors(writeSafetensors([['w', { shape: [8], data }]], { dtype: 'F16' })).get('w')!.data;
    data.forEach((v, i) => expect(Math.abs(f16[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -24));
  });

  it('writes an 8-byte aligned header', () => {
    const bytes = writeSafetensors([['x', { shape: [1], data: Float32Array.of(2) }]]);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
  });

  it('converts half floats (subnormals, infinities, rounding)', () => {
    expect(f16ToF32(0x0001)).toBe(2 ** -24);
    expect(f16ToF32(0x7c00)).toBe(Infinity);
    expect(f16ToF32(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(f16ToF32(0x7e00))).toBe(true);
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(1e6)).toBe(0x7c00);
    expect(f32ToF16(2 ** -24)).toBe(0x0001);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // halfway: rounds to even
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    for (let h = 0; h < 0x7c00; h += 37) expect(f32ToF16(f16ToF32(h))).toBe(h);
  });

  it('reports truncated and malformed files clearly', () => {
    const good = writeSafetensors([['x', { shape: [4], data: new Float32Array(4) }]]);
    const bad = (bytes: Uint8Array, pattern: RegExp) => {
      expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
      expect(() => readSafetensors(bytes)).toThrow(pattern);
    };
    bad(new Uint8Array(3), /truncated.*8-byte/);
    bad(good.subarray(0, 20), /truncated.*header/);
    bad(good.subarray(0, good.length - 1), /truncated.*'x'/);
    bad(handBuilt({ x: 1 }, []).fill(0x41, 8, 9), /malformed safetensors header/);
    bad(handBuilt([1, 2], []), /not a JSON object/);
    bad(handBuilt({ x: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, [0]), /'x'.*unknown dtype 'Q4'/);
    bad(handBuilt({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /'x'.*4 bytes for F32 \[2\], expected 8/);
    bad(handBuilt({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /'x'.*shape/);
    bad(handBuilt({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, [0, 0, 0, 0]), /reversed/);
    bad(handBuilt({ __metadata__: { a: 1 } }, []), /__metadata__\.a/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    bad(huge, /implausible/);
  });
});
