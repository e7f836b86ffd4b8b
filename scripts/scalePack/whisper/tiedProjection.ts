// proj_out of the q4 decoder: Whisper ties it to the token embedding, so its MatMulNBits weights are the
// embedding table itself quantised to 4 bits (block 32, symmetric, as onnxruntime's MatMul4BitsQuantizer writes).
import { attr, type GraphBuilder } from '../../tinyPack/onnxGraph';
import { Q4_BLOCK_SIZE } from '../scaleWeights';

const ONNX_FLOAT = 1;
/** Largest magnitude of a symmetric 4-bit code around the implicit zero point 8. */
const Q4_MAX_CODE = 8;

export interface Q4Matrix {
  /** [n, k / 32, 16]: per output column n and block, 32 codes two per byte, the even element in the low nibble. */
  packed: Uint8Array;
  /** [n * k / 32] */
  scales: Float32Array;
}

const q4Code = (value: number, scale: number): number => Math.min(15, Math.max(0, Math.round(value / scale) + Q4_MAX_CODE));

/** Quantises `rows` ([n, k] row-major: row j = the weights of output j) block-wise along k. */
export function quantizeRowsQ4(rows: Float32Array, n: number, k: number): Q4Matrix {
  if (k % Q4_BLOCK_SIZE !== 0) throw new RangeError(`q4: k = ${k} is not a multiple of ${Q4_BLOCK_SIZE}`);
  const blocks = k / Q4_BLOCK_SIZE;
  const packed = new Uint8Array(n * blocks * (Q4_BLOCK_SIZE / 2));
  const scales = new Float32Array(n * blocks);
  for (let row = 0; row < n; row++) {
    for (let block = 0; block < blocks; block++) {
      const start = row * k + block * Q4_BLOCK_SIZE;
      // As onnxruntime's quantizer: the largest-magnitude value maps exactly to code 0 (so the scale may be negative).
      let extreme = 0;
      for (let i = 0; i < Q4_BLOCK_SIZE; i++) if (Math.abs(rows[start + i]!) > Math.abs(extreme)) extreme = rows[start + i]!;
      const scale = extreme / -Q4_MAX_CODE || 1;
      scales[row * blocks + block] = scale;
      const out = (row * blocks + block) * (Q4_BLOCK_SIZE / 2);
      for (let i = 0; i < Q4_BLOCK_SIZE; i += 2) {
        packed[out + i / 2] = q4Code(rows[start + i]!, scale) | (q4Code(rows[start + i + 1]!, scale) << 4);
      }
    }
  }
  return { packed, scales };
}

/** The value a q4 code stands for (the reference the tests dequantise with). */
export function dequantizeQ4(matrix: Q4Matrix, n: number, k: number): Float32Array {
  const blocks = k / Q4_BLOCK_SIZE;
  const out = new Float32Array(n * k);
  for (let row = 0; row < n; row++) {
    for (let i = 0; i < k; i++) {
      const block = Math.floor(i / Q4_BLOCK_SIZE);
      const byte = matrix.packed[(row * blocks + block) * (Q4_BLOCK_SIZE / 2) + Math.floor((i % Q4_BLOCK_SIZE) / 2)]!;
      const code = i % 2 === 0 ? byte & 0x0f : byte >> 4;
      out[row * k + i] = (code - Q4_MAX_CODE) * matrix.scales[row * blocks + block]!;
    }
  }
  return out;
}

/**
 * y = x rows^T as the dynamic quantizer writes an int8 MatMul: the activations quantised per tensor (uint8), the
 * rows^T [k, n] to int8 with one symmetric scale, MatMulInteger, then back to float.
 */
export function tiedInt8MatMul(g: GraphBuilder, x: string, name: string, rows: Float32Array, n: number, k: number): string {
  let largest = 0;
  for (const value of rows) largest = Math.max(largest, Math.abs(value));
  const scale = largest / 127 || 1;
  const codes = new Uint8Array(k * n);
  for (let row = 0; row < n; row++) {
    for (let i = 0; i < k; i++) codes[i * n + row] = Math.max(-127, Math.min(127, Math.round(rows[row * k + i]! / scale))) & 0xff;
  }
  const [xq, xScale, xZero] = g.opN('DynamicQuantizeLinear', [x], 3);
  const b = g.init(`${name}.weight_quantized`, 'int8', [k, n], codes);
  const bScale = g.init(`${name}.weight_scale`, 'float32', [], Float32Array.of(scale));
  const bZero = g.init(`${name}.weight_zero_point`, 'int8', [], Uint8Array.of(0));
  const integer = g.op('MatMulInteger', [xq!, b, xZero!, bZero]);
  return g.op('Mul', [g.op('Cast', [integer], { to: attr.i(ONNX_FLOAT) }), g.op('Mul', [xScale!, bScale])]);
}

/** y = x rows^T through com.microsoft MatMulNBits (x [..., k] -> y [..., n]). */
export function tiedQ4MatMul(g: GraphBuilder, x: string, name: string, rows: Float32Array, n: number, k: number): string {
  const { packed, scales } = quantizeRowsQ4(rows, n, k);
  const b = g.init(`${name}.weight_Q4`, 'uint8', [n, k / Q4_BLOCK_SIZE, Q4_BLOCK_SIZE / 2], packed);
  const s = g.init(`${name}.weight_scales`, 'float32', [scales.length], scales);
  return g.op('MatMulNBits', [x, b, s], { K: attr.i(k), N: attr.i(n), bits: attr.i(4), block_size: attr.i(Q4_BLOCK_SIZE) }, 'com.microsoft');
}
