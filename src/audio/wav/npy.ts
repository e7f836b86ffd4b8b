/** \x93NUMPY */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** NPY 1.0: magic (6) + version (2) + little-endian uint16 header length (2). */
const PREAMBLE_BYTES = 10;
/** The format asks for the data to start on a 64-byte boundary so it can be memory-mapped aligned. */
const DATA_ALIGN_BYTES = 64;
const MAX_HEADER_BYTES = 0xffff;

/** Encodes float32 data as an NPY 1.0 file ('<f4', C order) of the given shape. */
export function encodeNpy(data: Float32Array, shape: number[]): Uint8Array {
  if (shape.some((dim) => !Number.isInteger(dim) || dim < 0)) throw new Error(`npy: invalid shape [${shape.join(', ')}]`);
  const elementCount = shape.reduce((product, dim) => product * dim, 1);
  if (elementCount !== data.length) {
    throw new Error(`npy: shape [${shape.join(', ')}] holds ${elementCount} values, data has ${data.length}`);
  }
  // Python tuple syntax: a 1-tuple needs its trailing comma.
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpaddedBytes = PREAMBLE_BYTES + dict.length + 1;
  const padBytes = (DATA_ALIGN_BYTES - (unpaddedBytes % DATA_ALIGN_BYTES)) % DATA_ALIGN_BYTES;
  const header = `${dict}${' '.repeat(padBytes)}\n`;
  if (header.length > MAX_HEADER_BYTES) throw new Error('npy: header too long for format 1.0');

  const out = new Uint8Array(PREAMBLE_BYTES + header.length + data.length * 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  out.set([1, 0], 6);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[PREAMBLE_BYTES + i] = header.charCodeAt(i);
  const dataOffset = PREAMBLE_BYTES + header.length;
  data.forEach((value, i) => view.setFloat32(dataOffset + i * 4, value, true));
  return out;
}

/**
 * Decodes an NPY 1.0 or 2.0 file holding little-endian float32 ('<f4') data in C order.
 * Anything else (other dtypes, Fortran order, other versions, a truncated file) throws a one-line Error.
 */
export function readNpy(bytes: Uint8Array): { data: Float32Array; shape: number[] } {
  if (bytes.length < PREAMBLE_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('npy: not an NPY file (bad magic)');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2) || minor !== 0) throw new Error(`npy: unsupported format version ${major}.${minor} (only 1.0 and 2.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const preamble = major === 1 ? PREAMBLE_BYTES : PREAMBLE_BYTES + 2;
  if (bytes.length < preamble) throw new Error('npy: truncated header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = preamble + headerLength;
  if (bytes.length < dataOffset) throw new Error('npy: truncated header');
  const header = new TextDecoder('latin1').decode(bytes.subarray(preamble, dataOffset)).trim();

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  if (descr === undefined) throw new Error('npy: header has no descr');
  if (descr !== '<f4') throw new Error(`npy: dtype '${descr}' is not supported (only '<f4', little-endian float32)`);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) throw new Error('npy: header has no fortran_order');
  if (fortran === 'True') throw new Error('npy: Fortran-order arrays are not supported (only C order)');
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error('npy: header has no shape');
  const parts = shapeText.split(',').map((s) => s.trim());
  if (parts.at(-1) === '') parts.pop();
  const shape = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN));
  if (shape.some((dim) => !Number.isSafeInteger(dim))) throw new Error(`npy: bad shape (${shapeText})`);

  const elementCount = shape.reduce((product, dim) => product * dim, 1);
  const dataBytes = bytes.length - dataOffset;
  if (dataBytes !== elementCount * 4) {
    throw new Error(`npy: shape [${shape.join(', ')}] needs ${elementCount * 4} data bytes, the file has ${dataBytes}`);
  }
  const data = new Float32Array(elementCount);
  for (let i = 0; i < elementCount; i++) data[i] = view.getFloat32(dataOffset + i * 4, true);
  return { data, shape };
}
