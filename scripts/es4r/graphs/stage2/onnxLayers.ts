// ONNX building blocks for ES4R Stage 2 (IR 8, opset 17): linear, LayerNorm, exact GELU, multi-head attention
// and the Whisper-style encoder layer. Activations are [1, L, E] (batch 1). Every helper adds its weights under
// the caller's `name` prefix, which must be unique within the graph.
import { geluOp, int64Const, transposed } from '../stage1/graphOps';
import { attr, type GraphBuilder } from '../../../tinyPack/onnxGraph';
import type { EncoderLayerWeights } from './weights';

export function constFloat(g: GraphBuilder, name: string, values: number[], dims: number[] = [values.length]): string {
  return g.init(name, 'float32', dims, Float32Array.from(values));
}

/** y = x W^T + b (W in [out, in] layout; bias optional). */
export function addLinear(g: GraphBuilder, x: string, name: string, weight: Float32Array, outFeatures: number, inFeatures: number, bias?: Float32Array): string {
  const w = g.init(`${name}.weight_t`, 'float32', [inFeatures, outFeatures], transposed(weight, outFeatures, inFeatures));
  const y = g.op('MatMul', [x, w]);
  return bias ? g.op('Add', [y, g.init(`${name}.bias`, 'float32', [outFeatures], bias)]) : y;
}

export function addLayerNorm(g: GraphBuilder, x: string, name: string, gamma: Float32Array, beta: Float32Array): string {
  const scale = g.init(`${name}.weight`, 'float32', [gamma.length], gamma);
  const bias = g.init(`${name}.bias`, 'float32', [beta.length], beta);
  return g.op('LayerNormalization', [x, scale, bias], { axis: attr.i(-1), epsilon: attr.f(1e-5) });
}

/**
 * Multi-head scaled dot-product attention on projected q [1, Lq, E], k and v [1, Lk, E]; no mask.
 * Returns [1, Lq, E] (heads concatenated, before the output projection).
 */
export function addAttention(g: GraphBuilder, q: string, k: string, v: string, embed: number, heads: number, name: string): string {
  const hd = embed / heads;
  if (!Number.isInteger(hd)) throw new Error('attention: embed not divisible by heads');
  const split = int64Const(g, `${name}.split_shape`, [1, -1, heads, hd]);
  const merge = int64Const(g, `${name}.merge_shape`, [1, -1, embed]);
  const scale = constFloat(g, `${name}.scale`, [1 / Math.sqrt(hd)], []);
  const qh = g.op('Transpose', [g.op('Reshape', [q, split])], { perm: attr.ints([0, 2, 1, 3]) }); // [1,h,Lq,hd]
  const kt = g.op('Transpose', [g.op('Reshape', [k, split])], { perm: attr.ints([0, 2, 3, 1]) }); // [1,h,hd,Lk]
  const vh = g.op('Transpose', [g.op('Reshape', [v, split])], { perm: attr.ints([0, 2, 1, 3]) }); // [1,h,Lk,hd]
  const scores = g.op('Mul', [g.op('MatMul', [qh, kt]), scale]);
  const probs = g.op('Softmax', [scores], { axis: attr.i(-1) });
  const context = g.op('Transpose', [g.op('MatMul', [probs, vh])], { perm: attr.ints([0, 2, 1, 3]) }); // [1,Lq,h,hd]
  return g.op('Reshape', [context, merge]);
}

/** One Whisper-style encoder layer on x [1, T, d]; returns [1, T, d]. */
export function addEncoderLayer(g: GraphBuilder, x: string, w: EncoderLayerWeights, name: string): string {
  const d = w.dModel;
  const normed = addLayerNorm(g, x, `${name}.self_attn_layer_norm`, w.selfAttnLayerNormWeight, w.selfAttnLayerNormBias);
  const q = addLinear(g, normed, `${name}.self_attn.q_proj`, w.qProjWeight, d, d, w.qProjBias);
  const k = addLinear(g, normed, `${name}.self_attn.k_proj`, w.kProjWeight, d, d);
  const v = addLinear(g, normed, `${name}.self_attn.v_proj`, w.vProjWeight, d, d, w.vProjBias);
  const context = addAttention(g, q, k, v, d, w.heads, `${name}.self_attn`);
  const h = g.op('Add', [x, addLinear(g, context, `${name}.self_attn.out_proj`, w.outProjWeight, d, d, w.outProjBias)]);
  const normed2 = addLayerNorm(g, h, `${name}.final_layer_norm`, w.finalLayerNormWeight, w.finalLayerNormBias);
  const hidden = geluOp(g, addLinear(g, normed2, `${name}.fc1`, w.fc1Weight, w.ffnDim, d, w.fc1Bias), `${name}.gelu`);
  return g.op('Add', [h, addLinear(g, hidden, `${name}.fc2`, w.fc2Weight, d, w.ffnDim, w.fc2Bias)]);
}

export function addEncoderLayers(g: GraphBuilder, x: string, layers: readonly EncoderLayerWeights[], name: string): string {
  return layers.reduce((h, w, i) => addEncoderLayer(g, h, w, `${name}.${i}`), x);
}
