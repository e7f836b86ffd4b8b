// The safetensors format (Hugging Face's tensor container), pure, Uint8Array in and out:
//   8 bytes   header length n, unsigned little-endian 64-bit
//   n bytes   JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}
//   rest      raw little-endian tensor data; offsets are relative to the start of this region
// Reading decodes F32, F16 and BF16 to Float32Array (on request, per tensor: a checkpoint may hold other dtypes
// that the caller never asks for). Writing produces F32 (default) or F16.
import { errorMessage } from '../../../src/errorMessage';
import { halfToFloat as f16ToF32 } from '../../../src/models/selfCheck/toFloat32';

export type FloatDtype = 'F32' | 'F16' | 'BF16';

const ITEM_SIZES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

/** Refuse headers larger than this (the reference implementation's limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** The tensor's raw little-endian bytes (a view into the input). */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  /** In header order. */
  entries: Map<string, SafetensorsEntry>;
}

export interface TensorToWrite {
  shape: readonly number[];
  data: Float32Array;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the header and checks every entry's offsets against the data region; does not decode tensors. */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new SafetensorsError(`truncated safetensors file: ${bytes.length} byte(s), the 8-byte header length is missing`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(`malformed safetensors file: header length ${headerLength} is implausible (not a safetensors file?)`);
  const n = Number(headerLength);
  if (8 + n > bytes.length) throw new SafetensorsError(`truncated safetensors file: header of ${n} bytes announced, ${bytes.length - 8} available`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    throw new SafetensorsError(`malformed safetensors header: ${errorMessage(error)}`);
  }
  if (!isRecord(header)) throw new SafetensorsError('malformed safetensors header: not a JSON object');
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(value)) throw new SafetensorsError('malformed safetensors header: __metadata__ is not an object');
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw new SafetensorsError(`malformed safetensors header: __metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const bad = (problem: string) => new SafetensorsError(`malformed safetensors header: tensor '${name}': ${problem}`);
    if (!isRecord(value)) throw bad('entry is not an object');
    const { dtype, shape, data_offsets: offsets } = value;
    if (typeof dtype !== 'string') throw bad('dtype is missing');
    const itemSize = ITEM_SIZES[dtype];
    if (itemSize === undefined) throw bad(`unknown dtype '${dtype}'`);
    if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isSafeInteger(d) && d >= 0)) throw bad('shape is not a list of non-negative integers');
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o): o is number => Number.isSafeInteger(o) && o >= 0)) {
      throw bad('data_offsets is not [begin, end]');
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) throw bad(`data_offsets [${begin}, ${end}] are reversed`);
    if (end > data.length) throw new SafetensorsError(`truncated safetensors file: tensor '${name}' ends at byte ${end} of the data, which has ${data.length}`);
    const expected = product(shape) * itemSize;
    if (end - begin !== expected) throw bad(`${end - begin} bytes for ${dtype} [${shape.join(', ')}], expected ${expected}`);
    entries.set(name, { dtype, shape: [...shape], bytes: data.subarray(begin, end) });
  }
  return { metadata, entries };
}

/** IEEE 754 half -> number: the one decoder the page's self-check also uses. */
export { f16ToF32 };

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** number -> IEEE 754 half bits, round to nearest even (overflow to infinity, underflow through subnormals to 0). */
export function f32ToF16(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent: still correct
  return sign | half;
}

/** Decodes one entry (F32, F16 or BF16) to float32. */
export function entryToFloat32(entry: SafetensorsEntry, name = 'tensor'): Float32Array {
  const count = product(entry.shape);
  const view = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
  const out = new Float32Array(count);
  switch (entry.dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = f16ToF32(view.getUint16(2 * i, true));
      return out;
    case 'BF16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    default:
      throw new SafetensorsError(`tensor '${name}' has dtype ${entry.dtype}; only F32, F16 and BF16 can be read as floats`);
  }
}

/** Reads every tensor of a file as float32 (fails on the first non-float tensor). */
export function readFloatTensors(bytes: Uint8Array): Map<string, { shape: number[]; data: Float32Array }> {
  const file = readSafetensors(bytes);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, entry] of file.entries) out.set(name, { shape: entry.shape, data: entryToFloat32(entry, name) });
  return out;
}

/** Serialises tensors (in the given order) as F32 or F16; the header is space-padded to a multiple of 8 bytes. */
export function writeSafetensors(
  tensors: Iterable<readonly [string, TensorToWrite]>,
  options: { dtype?: 'F32' | 'F16'; metadata?: Record<string, string> } = {},
): Uint8Array {
  const dtype = options.dtype ?? 'F32';
  const itemSize = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  const list: (readonly [string, TensorToWrite])[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === '__metadata__' || name in header) throw new SafetensorsError(`cannot write tensor '${name}': reserved or duplicate name`);
    if (product(tensor.shape) !== tensor.data.length) throw new SafetensorsError(`cannot write tensor '${name}': shape [${tensor.shape.join(', ')}] holds ${product(tensor.shape)} values, data has ${tensor.data.length}`);
    const size = tensor.data.length * itemSize;
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + size] };
    list.push([name, tensor]);
    offset += size;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  json += ' '.repeat((8 - (headerBytes.length % 8)) % 8);
  headerBytes = encoder.encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let p = 8 + headerBytes.length;
  for (const [, tensor] of list) {
    for (const v of tensor.data) {
      if (dtype === 'F32') {
        view.setFloat32(p, v, true);
        p += 4;
      } else {
        view.setUint16(p, f32ToF16(v), true);
        p += 2;
      }
    }
  }
  return out;
}
