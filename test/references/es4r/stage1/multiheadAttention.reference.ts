// Reference of PyTorch nn.MultiheadAttention self-attention (query = key = value = x), single sequence.
// Tests only.
import type { MultiheadAttentionWeights } from '../../../../src/models/es4r/stage1/stage1Types';
import { linear } from './tensorMath.reference';

export interface AttentionResult {
  /** [frames, embedDim] */
  output: Float32Array;
  /** Attention weights per head [numHeads, frames(query), frames(key)] (PyTorch's average_attn_weights=False). */
  weights: Float32Array;
}

/**
 * Self-attention over x [frames, E]. keyPaddingMask[j] = true marks key j as padding: its score gets -inf
 * before the softmax (PyTorch key_padding_mask semantics). At least one key must be unmasked, otherwise
 * PyTorch yields NaN; this reference does the same.
 */
export function multiheadAttention(x: Float32Array, frames: number, w: MultiheadAttentionWeights, keyPaddingMask: ArrayLike<boolean> | null = null): AttentionResult {
  const E = w.embedDim;
  const H = w.numHeads;
  if (E % H !== 0) throw new Error('multiheadAttention: embedDim must be divisible by numHeads');
  const D = E / H;
  const qkv = linear(x, frames, E, w.inProjWeight, 3 * E, w.inProjBias); // [frames, 3E]
  const scale = 1 / Math.sqrt(D);
  const context = new Float32Array(frames * E);
  const weights = new Float32Array(H * frames * frames);
  const scores = new Float64Array(frames);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < frames; i++) {
      let max = -Infinity;
      for (let j = 0; j < frames; j++) {
        let s = -Infinity;
        if (!keyPaddingMask?.[j]) {
          s = 0;
          for (let d = 0; d < D; d++) s += qkv[i * 3 * E + h * D + d]! * qkv[j * 3 * E + E + h * D + d]!;
          s *= scale;
        }
        scores[j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j < frames; j++) {
        const e = Math.exp(scores[j]! - max);
        scores[j] = e;
        sum += e;
      }
      for (let j = 0; j < frames; j++) {
        const p = scores[j]! / sum;
        weights[(h * frames + i) * frames + j] = p;
        if (p === 0) continue;
        for (let d = 0; d < D; d++) context[i * E + h * D + d] = context[i * E + h * D + d]! + p * qkv[j * 3 * E + 2 * E + h * D + d]!;
      }
    }
  }
  return { output: linear(context, frames, E, w.outProjWeight, E, w.outProjBias), weights };
}
