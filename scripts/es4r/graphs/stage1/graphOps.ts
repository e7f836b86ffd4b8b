// Small ONNX building blocks shared by the ES4R Stage 1 graphs (opset 17: no Gelu op, so GELU is built from Erf).
// NOTE: GraphBuilder lives in scripts/tinyPack/onnxGraph.ts; importing it from src/ is a stop-gap.
import { attr, type GraphBuilder } from '../../../tinyPack/onnxGraph';
import type { MultiheadAttentionWeights } from '../../../../src/models/es4r/stage1/stage1Types';

/** W [rows, cols] -> W^T [cols, rows] (ONNX MatMul wants x @ W^T for a PyTorch Linear). */
export function transposed(weight: Float32Array, rows: number, cols: number, rowOffset = 0): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = weight[(rowOffset + r) * cols + c]!;
  return out;
}

/** An int64 initializer; dims [] makes a scalar of one value. */
export function int64Const(g: GraphBuilder, name: string, values: number[], dims: number[] = [values.length]): string {
  return g.init(name, 'int64', dims, BigInt64Array.from(values.map((v) => BigInt(v))));
}

export function floatScalar(g: GraphBuilder, name: string, value: number): string {
  return g.init(name, 'float32', [], Float32Array.of(value));
}

/** Exact GELU: 0.5 * x * (1 + erf(x / sqrt(2))). */
export function geluOp(g: GraphBuilder, x: string, prefix: string): string {
  const invSqrt2 = floatScalar(g, `${prefix}.inv_sqrt2`, Math.SQRT1_2);
  const one = floatScalar(g, `${prefix}.one`, 1);
  const half = floatScalar(g, `${prefix}.half`, 0.5);
  const erf = g.op('Erf', [g.op('Mul', [x, invSqrt2])]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, one])]), half]);
}

/** Initializer names of one MultiheadAttention module (registered once, so two calls share weights). */
export interface AttentionInits {
  embedDim: number;
  numHeads: number;
  wq: string;
  wk: string;
  wv: string;
  bq: string;
  bk: string;
  bv: string;
  wo: string;
  bo: string;
  scale: string;
  negInf: string;
  zero: string;
  headShape: string;
  mergeShape: string;
  maskAxes: string;
}

export function addAttentionInits(g: GraphBuilder, w: MultiheadAttentionWeights, prefix: string): AttentionInits {
  const E = w.embedDim;
  const H = w.numHeads;
  const D = E / H;
  const f = (name: string, dims: number[], data: Float32Array) => g.init(`${prefix}.${name}`, 'float32', dims, data);
  return {
    embedDim: E,
    numHeads: H,
    wq: f('wq_t', [E, E], transposed(w.inProjWeight, E, E, 0)),
    wk: f('wk_t', [E, E], transposed(w.inProjWeight, E, E, E)),
    wv: f('wv_t', [E, E], transposed(w.inProjWeight, E, E, 2 * E)),
    bq: f('bq', [E], w.inProjBias.slice(0, E)),
    bk: f('bk', [E], w.inProjBias.slice(E, 2 * E)),
    bv: f('bv', [E], w.inProjBias.slice(2 * E, 3 * E)),
    wo: f('wo_t', [E, E], transposed(w.outProjWeight, E, E)),
    bo: f('bo', [E], w.outProjBias.slice()),
    scale: floatScalar(g, `${prefix}.scale`, 1 / Math.sqrt(D)),
    negInf: floatScalar(g, `${prefix}.neg_inf`, -Infinity),
    zero: floatScalar(g, `${prefix}.zero`, 0),
    headShape: int64Const(g, `${prefix}.head_shape`, [0, 0, H, D]),
    mergeShape: int64Const(g, `${prefix}.merge_shape`, [0, 0, E]),
    maskAxes: int64Const(g, `${prefix}.mask_axes`, [1, 2]),
  };
}

/**
 * PyTorch nn.MultiheadAttention self-attention on x [N, S, E] with keyPaddingMask bool [N, S]
 * (true = padded key -> score -inf before softmax). Returns [N, S, E].
 */
export function attentionOp(g: GraphBuilder, a: AttentionInits, x: string, keyPaddingMask: string): string {
  const project = (w: string, b: string) => g.op('Reshape', [g.op('Add', [g.op('MatMul', [x, w]), b]), a.headShape]); // [N,S,H,D]
  const q = g.op('Transpose', [project(a.wq, a.bq)], { perm: attr.ints([0, 2, 1, 3]) }); // [N,H,S,D]
  const kT = g.op('Transpose', [project(a.wk, a.bk)], { perm: attr.ints([0, 2, 3, 1]) }); // [N,H,D,S]
  const v = g.op('Transpose', [project(a.wv, a.bv)], { perm: attr.ints([0, 2, 1, 3]) }); // [N,H,S,D]
  const scores = g.op('Mul', [g.op('MatMul', [q, kT]), a.scale]); // [N,H,S,S]
  const bias = g.op('Unsqueeze', [g.op('Where', [keyPaddingMask, a.negInf, a.zero]), a.maskAxes]); // [N,1,1,S]
  const probs = g.op('Softmax', [g.op('Add', [scores, bias])], { axis: attr.i(-1) });
  const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: attr.ints([0, 2, 1, 3]) }); // [N,S,H,D]
  return g.op('Add', [g.op('MatMul', [g.op('Reshape', [context, a.mergeShape]), a.wo]), a.bo]);
}
