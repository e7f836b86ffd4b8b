// CIF at inference as a loop-free ONNX subgraph (opset 17). Given x [1, T, d]:
//   alpha = sigmoid(x[..., d-1]) = 1 / (1 + exp(-x[..., d-1])) [T]; S = sum alpha; N = max(1, Round(S)) (half to even);
//   a = alpha * (N / S); c = CumSum(a) (inclusive), p = CumSum(a, exclusive=1) = c - a;
//   k = Range(0, N, 1) [N]; W[k, t] = Relu(Min(c_t, k+1) - Max(p_t, k))   [N, T]
//   fired = W @ x[..., :d-1]  -> [1, N, d-1]
// W[k, t] is the part of frame t's weight that falls in the k-th unit interval of accumulated weight, which is
// exactly what sequential integrate-and-fire gives (the crossing frame split between two vectors, a frame with
// alpha > 1 spread over several). Only k < N exists, so a total slightly over N drops the excess; a total
// slightly short of N leaves the last vector's weight slightly under 1 (fired at the end of the input).
import { attr, type GraphBuilder } from '../../../tinyPack/onnxGraph';
import { int64Const } from '../stage1/graphOps';
import { constFloat } from './onnxLayers';

export interface CifOutputs {
  /** [1, N, d-1] float32. */
  fired: string;
  /** [T] float32, the rescaled alphas (sum N). */
  alphas: string;
  /** [] float32, N. */
  tokenCount: string;
}

export function addCif(g: GraphBuilder, x: string, dModel: number, name: string): CifOutputs {
  const d = dModel;
  const axis2 = int64Const(g, `${name}.axis2`, [2]);
  const last = g.op('Slice', [x, int64Const(g, `${name}.last_start`, [d - 1]), int64Const(g, `${name}.last_end`, [d]), axis2]);
  const values = g.op('Slice', [x, int64Const(g, `${name}.values_start`, [0]), int64Const(g, `${name}.values_end`, [d - 1]), axis2]);
  const one = constFloat(g, `${name}.one`, [1], []);
  // sigmoid as 1 / (1 + exp(-x)): onnxruntime's Sigmoid kernel is an approximation whose *relative* error
  // grows for very negative logits (3e-3 relative difference in the CIF output was measured when every alpha is
  // ~1e-5, where the rescaling by N / S amplifies it); Exp keeps full relative precision.
  const logits = g.op('Reshape', [last, int64Const(g, `${name}.flat`, [-1])]);
  const raw = g.op('Div', [one, g.op('Add', [one, g.op('Exp', [g.op('Neg', [logits])])])]); // [T]
  const sum = g.op('ReduceSum', [raw], { keepdims: attr.i(0) }); // []
  const zero = constFloat(g, `${name}.zero`, [0], []);
  const count = g.op('Max', [g.op('Round', [sum]), one]); // [] float
  const alphas = g.op('Mul', [raw, g.op('Div', [count, sum])]);
  const axis0 = int64Const(g, `${name}.axis0`, [0], []);
  const cum = g.op('CumSum', [alphas, axis0]);
  const prev = g.op('CumSum', [alphas, axis0], { exclusive: attr.i(1) });
  const k = g.op('Unsqueeze', [g.op('Range', [zero, count, one]), int64Const(g, `${name}.axis1`, [1])]); // [N, 1]
  const weights = g.op('Relu', [g.op('Sub', [g.op('Min', [cum, g.op('Add', [k, one])]), g.op('Max', [prev, k])])]); // [N, T]
  const values2d = g.op('Reshape', [values, int64Const(g, `${name}.values_shape`, [-1, d - 1])]); // [T, d-1]
  const fired = g.op('Unsqueeze', [g.op('MatMul', [weights, values2d]), int64Const(g, `${name}.axis0v`, [0])]);
  return { fired, alphas, tokenCount: count };
}
