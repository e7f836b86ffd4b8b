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
