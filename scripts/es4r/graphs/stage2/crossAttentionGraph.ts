// Cross-modal attention as ONNX, matching PyTorch nn.MultiheadAttention(E, heads) with query = speech
// [1, N, E] and key = value = text-history embeddings [1, S, E]; no masks, no residual.
import type { GraphBuilder } from '../../../tinyPack/onnxGraph';
import { addAttention, addLinear } from './onnxLayers';
import type { CrossAttentionWeights } from './weights';

export function addCrossAttention(g: GraphBuilder, speech: string, history: string, w: CrossAttentionWeights, name: string): string {
  const e = w.embed;
  const block = (i: number) => [w.inProjWeight.subarray(i * e * e, (i + 1) * e * e), w.inProjBias.subarray(i * e, (i + 1) * e)] as const;
  const [wq, bq] = block(0);
  const [wk, bk] = block(1);
  const [wv, bv] = block(2);
  const q = addLinear(g, speech, `${name}.q_in_proj`, wq, e, e, bq);
  const k = addLinear(g, history, `${name}.k_in_proj`, wk, e, e, bk);
  const v = addLinear(g, history, `${name}.v_in_proj`, wv, e, e, bv);
  const context = addAttention(g, q, k, v, e, w.heads, name);
  return addLinear(g, context, `${name}.out_proj`, w.outProjWeight, e, e, w.outProjBias);
}
