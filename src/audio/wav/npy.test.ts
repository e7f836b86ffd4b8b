import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonWith, requirePython, skipWithoutPython } from '../../../test/support/python';
import { encodeNpy, readNpy } from './npy';

const python = pythonWith(['numpy']);

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

  it.skipIf(skipWithoutPython(python))('loads in numpy with the same shape, dtype and values', () => {
    const data = Float32Array.from({ length: 80 * 7 }, (_, i) => Math.sin(i) * 1e3);
    const path = join(scratch, 'mel.npy');
    writeFileSync(path, encodeNpy(data, [80, 7]));
    const script = [
      'import json, sys, numpy as np',
      'a = np.load(sys.argv[1])',
      'print(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str, "c": bool(a.flags.c_contiguous), "values": [float(v) for v in a.ravel()]}))',
    ].join('\n');
    const loaded = JSON.parse(execFileSync(requirePython(python, 'python3-numpy'), ['-c', script, path]).toString()) as {
      shape: number[];
      dtype: string;
      c: boolean;
      values: number[];
    };
    expect(loaded).toEqual({ shape: [80, 7], dtype: '<f4', c: true, values: Array.from(data) });
  });
});

/** An NPY file built by hand: preamble for `version`, the header text as given, then float32 LE values. */
function handBuiltNpy(version: 1 | 2, header: string, values: number[], options: { descrBytes?: Uint8Array } = {}): Uint8Array {
  const preamble = version === 1 ? 10 : 12;
  const data = options.descrBytes ?? new Uint8Array(new Float32Array(values).buffer);
  const out = new Uint8Array(preamble + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  out.set(data, preamble + header.length);
  return out;
}

describe('readNpy', () => {
  it('round-trips encodeNpy (2-D, 1-D, empty)', () => {
    const data = Float32Array.from({ length: 80 * 7 }, (_, i) => Math.sin(i) * 1e3);
    expect(readNpy(encodeNpy(data, [80, 7]))).toEqual({ data, shape: [80, 7] });
    expect(readNpy(encodeNpy(new Float32Array([1.5, -2]), [2]))).toEqual({ data: new Float32Array([1.5, -2]), shape: [2] });
    expect(readNpy(encodeNpy(new Float32Array(0), [0, 80]))).toEqual({ data: new Float32Array(0), shape: [0, 80] });
  });

  it('reads a hand-built NPY 1.0 header (double quotes, no padding, key order as numpy may write it)', () => {
    const npy = handBuiltNpy(1, '{"shape": (2, 3), "fortran_order": False, "descr": "<f4"}\n', [1, 2, 3, 4, 5, 6]);
    expect(readNpy(npy)).toEqual({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
  });

  it('reads a hand-built NPY 2.0 file (uint32 header length) from an unaligned offset', () => {
    const npy = handBuiltNpy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }   \n", [0.25, -1, 7]);
    const shifted = new Uint8Array(npy.length + 1);
    shifted.set(npy, 1);
    expect(readNpy(shifted.subarray(1))).toEqual({ data: new Float32Array([0.25, -1, 7]), shape: [3] });
  });

  it.skipIf(skipWithoutPython(python))('reads what numpy.save writes (float32 [80, 5]; float64 rejected)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npy-read-'));
    try {
      const script = 'import sys, numpy as np\na = np.arange(400, dtype=np.float32).reshape(80, 5) / 7\nnp.save(sys.argv[1], a)\nnp.save(sys.argv[2], a.astype(np.float64))';
      execFileSync(requirePython(python, 'python3-numpy'), ['-c', script, join(dir, 'f4.npy'), join(dir, 'f8.npy')]);
      const read = readNpy(readFileSync(join(dir, 'f4.npy')));
      expect(read.shape).toEqual([80, 5]);
      expect(read.data).toEqual(Float32Array.from({ length: 400 }, (_, i) => Math.fround(Math.fround(i) / 7)));
      expect(() => readNpy(readFileSync(join(dir, 'f8.npy')))).toThrow("dtype '<f8'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects what it does not read, with one-line errors', () => {
    const ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
    expect(() => readNpy(new Uint8Array([1, 2, 3]))).toThrow('npy: not an NPY file (bad magic)');
    const v3 = handBuiltNpy(1, ok, [1, 2]);
    v3[6] = 3;
    expect(() => readNpy(v3)).toThrow('npy: unsupported format version 3.0 (only 1.0 and 2.0)');
    expect(() => readNpy(handBuiltNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", [1, 2]))).toThrow(
      "npy: dtype '<f8' is not supported (only '<f4', little-endian float32)",
    );
    expect(() => readNpy(handBuiltNpy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", [1, 2]))).toThrow("dtype '>f4'");
    expect(() => readNpy(handBuiltNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }\n", [1, 2]))).toThrow(
      'npy: Fortran-order arrays are not supported (only C order)',
    );
    expect(() => readNpy(handBuiltNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n", [1, 2]))).toThrow(
      'npy: shape [3] needs 12 data bytes, the file has 8',
    );
    expect(() => readNpy(encodeNpy(new Float32Array(4), [4]).subarray(0, 50))).toThrow('npy: truncated header');
  });
});
