// Reference Whisper-style encoder layer (tests only):
//   h = x + out_proj(attn(q_proj(LN1(x)), k_proj(LN1(x)) [no bias], v_proj(LN1(x))))   (8 heads, no mask)
//   y = h + fc2(gelu(fc1(LN2(h))))
import { add, gelu, layerNorm, linear, map, multiHeadAttention, type Matrix } from './math.reference';
import type { EncoderLayerWeights } from '../../../../scripts/es4r/graphs/stage2/weights';

export function encoderLayerReference(x: Matrix, w: EncoderLayerWeights): Matrix {
  const d = w.dModel;
  if (x.cols !== d) throw new Error(`encoder layer: expected ${d} channels, got ${x.cols}`);
  const normed = layerNorm(x, w.selfAttnLayerNormWeight, w.selfAttnLayerNormBias);
  const q = linear(normed, w.qProjWeight, d, w.qProjBias);
  const k = linear(normed, w.kProjWeight, d);
  const v = linear(normed, w.vProjWeight, d, w.vProjBias);
  const attended = linear(multiHeadAttention(q, k, v, w.heads), w.outProjWeight, d, w.outProjBias);
  const h = add(x, attended);
  const hidden = map(linear(layerNorm(h, w.finalLayerNormWeight, w.finalLayerNormBias), w.fc1Weight, w.ffnDim, w.fc1Bias), gelu);
  return add(h, linear(hidden, w.fc2Weight, d, w.fc2Bias));
}

export function encoderLayersReference(x: Matrix, layers: readonly EncoderLayerWeights[]): Matrix {
  return layers.reduce((h, w) => encoderLayerReference(h, w), x);
}

