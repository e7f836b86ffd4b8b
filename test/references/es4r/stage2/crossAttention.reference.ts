// Reference cross-modal attention (tests only), as PyTorch nn.MultiheadAttention(E, heads) called with
// query = speech vectors [N, E], key = value = text-history token embeddings [S, E], no masks:
//   q = speech Wq^T + bq, k = hist Wk^T + bk, v = hist Wv^T + bv  ([Wq; Wk; Wv] = in_proj_weight)
//   out = concat_h softmax(q_h k_h^T / sqrt(E/heads)) v_h, then out_proj. The output replaces the speech
//   vectors (no residual, no norm).
import { linear, multiHeadAttention, type Matrix } from './math.reference';
import type { CrossAttentionWeights } from '../../../../scripts/es4r/graphs/stage2/weights';

export function crossAttentionReference(speech: Matrix, history: Matrix, w: CrossAttentionWeights): Matrix {
  const e = w.embed;
  if (speech.cols !== e || history.cols !== e) throw new Error('cross-attention: embed mismatch');
  const block = (i: number) => [w.inProjWeight.subarray(i * e * e, (i + 1) * e * e), w.inProjBias.subarray(i * e, (i + 1) * e)] as const;
  const [wq, bq] = block(0);
  const [wk, bk] = block(1);
  const [wv, bv] = block(2);
  const q = linear(speech, wq, e, bq);
  const k = linear(history, wk, e, bk);
  const v = linear(history, wv, e, bv);
  return linear(multiHeadAttention(q, k, v, w.heads), w.outProjWeight, e, w.outProjBias);
}
