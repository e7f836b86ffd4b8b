/** Transformer building blocks on top of GraphBuilder, shared by the tiny Whisper encoder and decoder. */
import { attr, type GraphBuilder } from '../onnxGraph';
import { D_MODEL, HEAD_DIM, HEADS } from './design';
import type { Xorshift32Random } from '../seededRandom';

/** Gives every initializer a model-wide unique name, since If branches see the outer graph's names. */
export class Params {
  private count = 0;

  constructor(readonly random: Xorshift32Random) {}

  float(b: GraphBuilder, label: string, dims: number[], data: Float32Array): string {
    return b.init(`${label}.${this.count++}`, 'float32', dims, data);
  }

  int64(b: GraphBuilder, label: string, values: number[]): string {
    return b.init(`${label}.${this.count++}`, 'int64', [values.length], BigInt64Array.from(values, BigInt));
  }

  scalar(b: GraphBuilder, label: string, value: number): string {
    return b.init(`${label}.${this.count++}`, 'float32', [], new Float32Array([value]));
  }

  /** A [rows, cols] matrix of small random weights. */
  randomMatrix(b: GraphBuilder, label: string, rows: number, cols: number, amplitude: number): string {
    return this.float(b, label, [rows, cols], this.random.array(rows * cols, amplitude));
  }
}

/** Amplitudes of the random weights: attention scores stay near zero and sublayer outputs stay far below the design. */
export const QUERY_KEY_AMPLITUDE = 0.05;
export const VALUE_AMPLITUDE = 0.05;
export const OUTPUT_AMPLITUDE = 0.01;

export function linear(b: GraphBuilder, p: Params, x: string, weight: string, bias?: Float32Array): string {
  const y = b.op('MatMul', [x, weight]);
  return bias ? b.op('Add', [y, p.float(b, 'bias', [bias.length], bias)]) : y;
}

/** Whisper's exact GELU, 0.5 x (1 + erf(x / sqrt 2)); the Gelu op needs opset 20. */
export function gelu(b: GraphBuilder, p: Params, x: string): string {
  const erf = b.op('Erf', [b.op('Mul', [x, p.scalar(b, 'inv_sqrt2', Math.SQRT1_2)])]);
  return b.op('Mul', [b.op('Mul', [x, p.scalar(b, 'half', 0.5)]), b.op('Add', [erf, p.scalar(b, 'one', 1)])]);
}

/** LayerNorm over the last axis with unit scale and zero shift (the design relies on both). */
export function layerNorm(b: GraphBuilder, p: Params, x: string): string {
  const scale = p.float(b, 'ln_scale', [D_MODEL], new Float32Array(D_MODEL).fill(1));
  const shift = p.float(b, 'ln_shift', [D_MODEL], new Float32Array(D_MODEL));
  return b.op('LayerNormalization', [x, scale, shift], { axis: attr.i(-1), epsilon: attr.f(1e-5) });
}

/** [B, T, D_MODEL] -> [B, HEADS, T, HEAD_DIM] */
export function splitHeads(b: GraphBuilder, p: Params, x: string): string {
  const reshaped = b.op('Reshape', [x, p.int64(b, 'heads_shape', [0, -1, HEADS, HEAD_DIM])]);
  return b.op('Transpose', [reshaped], { perm: attr.ints([0, 2, 1, 3]) });
}

/** [B, HEADS, T, HEAD_DIM] -> [B, T, D_MODEL] */
export function mergeHeads(b: GraphBuilder, p: Params, x: string): string {
  const transposed = b.op('Transpose', [x], { perm: attr.ints([0, 2, 1, 3]) });
  return b.op('Reshape', [transposed, p.int64(b, 'model_shape', [0, -1, D_MODEL])]);
}

/** Scaled dot-product attention of split-head q over k, v; `mask` is added to the scores. */
export function attend(b: GraphBuilder, p: Params, q: string, k: string, v: string, mask?: string): string {
  const kT = b.op('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) });
  let scores = b.op('Mul', [b.op('MatMul', [q, kT]), p.scalar(b, 'attn_scale', 1 / Math.sqrt(HEAD_DIM))]);
  if (mask) scores = b.op('Add', [scores, mask]);
  return b.op('MatMul', [b.op('Softmax', [scores], { axis: attr.i(-1) }), v]);
}

/** Key and value projections of Whisper attention (keys have no bias); returns split-head K and V. */
export function keyValue(b: GraphBuilder, p: Params, x: string, valueWeight?: Float32Array): [string, string] {
  const k = linear(b, p, x, p.randomMatrix(b, 'k_proj', D_MODEL, D_MODEL, QUERY_KEY_AMPLITUDE));
  const vWeight = valueWeight
    ? p.float(b, 'v_proj', [D_MODEL, D_MODEL], valueWeight)
    : p.randomMatrix(b, 'v_proj', D_MODEL, D_MODEL, VALUE_AMPLITUDE);
  const v = linear(b, p, x, vWeight, new Float32Array(D_MODEL));
  return [splitHeads(b, p, k), splitHeads(b, p, v)];
}

export function query(b: GraphBuilder, p: Params, x: string): string {
  const q = linear(b, p, x, p.randomMatrix(b, 'q_proj', D_MODEL, D_MODEL, QUERY_KEY_AMPLITUDE), new Float32Array(D_MODEL));
  return splitHeads(b, p, q);
}

export function outputProjection(b: GraphBuilder, p: Params, heads: string, weight?: Float32Array): string {
  const w = weight ? p.float(b, 'out_proj', [D_MODEL, D_MODEL], weight) : p.randomMatrix(b, 'out_proj', D_MODEL, D_MODEL, OUTPUT_AMPLITUDE);
  return linear(b, p, mergeHeads(b, p, heads), w, new Float32Array(D_MODEL));
}

/** Whisper's feed-forward block: fc1, GELU, fc2. */
export function feedForward(b: GraphBuilder, p: Params, x: string, ffnDim: number): string {
  const hidden = gelu(b, p, linear(b, p, x, p.randomMatrix(b, 'fc1', D_MODEL, ffnDim, VALUE_AMPLITUDE), new Float32Array(ffnDim)));
  return linear(b, p, hidden, p.randomMatrix(b, 'fc2', ffnDim, D_MODEL, OUTPUT_AMPLITUDE), new Float32Array(D_MODEL));
}
