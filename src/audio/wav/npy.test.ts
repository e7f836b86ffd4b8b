import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy } from './npy';

const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy']);
    return true;
  } catch {
    return false;
  }
})();

describe('encodeNpy', () => {
  it('writes the NPY 1.0 preamble and a header padded so the data starts at byte 128', () => {
    const npy = encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    // 10 preamble + 59 dict + 58 spaces + newline = 128, the first multiple of 64 that fits.
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const header = `${dict}${' '.repeat(58)}\n`;
    expect(Array.from(npy.subarray(0, 10))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    expect(new TextDecoder().decode(npy.subarray(10, 128))).toBe(header);
    expect(npy.length).toBe(128 + 6 * 4);
    const view = new DataView(npy.buffer, npy.byteOffset);
    expect([0, 1, 2, 3, 4, 5].map((i) => view.getFloat32(128 + i * 4, true))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('writes a 1-D shape as a Python 1-tuple', () => {
    const npy = encodeNpy(new Float32Array(4), [4]);
    expect(new TextDecoder().decode(npy.subarray(10, 128))).toBe(
      `{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }${' '.repeat(60)}\n`,
    );
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow('npy: shape [2, 3] holds 6 values, data has 5');
  });

  const scratch = mkdtempSync(join(tmpdir(), 'npy-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.skipIf(!hasNumpy)('loads in numpy with the same shape, dtype and values', () => {
    const data = Float32Array.from({ length: 80 * 7 }, (_, i) => Math.sin(i) * 1e3);
    const path = join(scratch, 'mel.npy');
    writeFileSync(path, encodeNpy(data, [80, 7]));
    const script = [
      'import json, sys, numpy as np',
      'a = np.load(sys.argv[1])',
      'print(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str, "c": bool(a.flags.c_contiguous), "values": [float(v) for v in a.ravel()]}))',
    ].join('\n');
    const loaded = JSON.parse(execFileSync('python3', ['-c', script, path]).toString()) as {
      shape: number[];
      dtype: string;
      c: boolean;
      values: number[];
    };
    expect(loaded).toEqual({ shape: [80, 7], dtype: '<f4', c: true, values: Array.from(data) });
  });
});
