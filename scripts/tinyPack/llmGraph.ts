import { GraphBuilder, attr } from './onnxGraph';
import { LLM_DIMS, type LlmWeights } from './llmDesign';

const ONNX_FLOAT = 1;
const ONNX_BOOL = 9;
/** Finite "minus infinity" for masked scores: a fully masked (left-padding) row then stays NaN-free. */
const MASKED_SCORE = -1e9;

const i64 = (g: GraphBuilder, name: string, dims: number[], values: number[]): string =>
  g.init(name, 'int64', dims, BigInt64Array.from(values.map((v) => BigInt(v))));
const f32 = (g: GraphBuilder, name: string, dims: number[], values: ArrayLike<number>): string =>
  g.init(name, 'float32', dims, Float32Array.from(values));

/** RoPE's rotate_half as a matrix: x @ R = concat(-x[half:], x[:half]). */
function rotateHalfMatrix(headDim: number): number[] {
  const half = headDim / 2;
  const r = new Array<number>(headDim * headDim).fill(0);
  for (let j = 0; j < half; j++) {
    r[(j + half) * headDim + j] = -1;
    r[j * headDim + j + half] = 1;
  }
  return r;
}

/** inv_freq repeated twice (HF's cat(freqs, freqs) layout), one per head dim. */
function ropeInverseFrequencies(headDim: number, theta: number): number[] {
  const half = Array.from({ length: headDim / 2 }, (_, j) => theta ** ((-2 * j) / headDim));
  return [...half, ...half];
}

/**
 * The decoder after the embedding: attention over past + current keys (causal + attention_mask), RoPE from
 * position_ids, residual MLPs, LM head. `x` is [batch_size, sequence_length, hidden].
 */
function decoderBody(g: GraphBuilder, weights: LlmWeights, x: string): void {
  const { hidden, heads, kvHeads, headDim, intermediate, layers, ropeTheta } = LLM_DIMS;
  const vocab = weights.vocabulary.length;
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  const pastDims = ['batch_size', kvHeads, 'past_sequence_length', headDim];
  const past = Array.from({ length: layers }, (_, l) => ({
    key: g.input(`past_key_values.${l}.key`, 'float32', pastDims),
    value: g.input(`past_key_values.${l}.value`, 'float32', pastDims),
  }));

  // Mask bias [B,1,S,T]: query i sits at absolute position past + i and sees keys j <= past + i that are not padding.
  const zeroScalar = i64(g, 'zero_i64', [], [0]);
  const oneScalar = i64(g, 'one_i64', [], [1]);
  const axis0 = i64(g, 'axes_0', [1], [0]);
  const axis1 = i64(g, 'axes_1', [1], [1]);
  const seqLen = g.op('Shape', [x], { start: attr.i(1), end: attr.i(2) });
  const totalLen = g.op('Shape', [attentionMask], { start: attr.i(1), end: attr.i(2) });
  const pastLen = g.op('Squeeze', [g.op('Sub', [totalLen, seqLen]), axis0]);
  const keyIndex = g.op('Range', [zeroScalar, g.op('Squeeze', [totalLen, axis0]), oneScalar]);
  const queryIndex = g.op('Add', [g.op('Range', [zeroScalar, g.op('Squeeze', [seqLen, axis0]), oneScalar]), pastLen]);
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [keyIndex, axis0]), g.op('Unsqueeze', [queryIndex, axis1])]);
  const notPadding = g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: attr.i(ONNX_BOOL) }), i64(g, 'axes_1_2', [2], [1, 2])]);
  const maskBias = g.op('Where', [g.op('And', [causal, notPadding]), f32(g, 'score_kept', [], [0]), f32(g, 'score_masked', [], [MASKED_SCORE])]);

  // RoPE tables [B,1,S,headDim].
  const angles = g.op('Mul', [
    g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: attr.i(ONNX_FLOAT) }), i64(g, 'axes_2', [1], [2])]),
    f32(g, 'rope_inv_freq', [headDim], ropeInverseFrequencies(headDim, ropeTheta)),
  ]);
  const cos = g.op('Unsqueeze', [g.op('Cos', [angles]), axis1]);
  const sin = g.op('Unsqueeze', [g.op('Sin', [angles]), axis1]);
  const rotateHalf = f32(g, 'rope_rotate_half', [headDim, headDim], rotateHalfMatrix(headDim));
  const rope = (t: string): string => g.op('Add', [g.op('Mul', [t, cos]), g.op('Mul', [g.op('MatMul', [t, rotateHalf]), sin])]);

  const scoreScale = f32(g, 'score_scale', [], [1 / Math.sqrt(headDim)]);
  const toHeads = (t: string, count: number, name: string): string =>
    g.op('Transpose', [g.op('Reshape', [t, i64(g, name, [4], [0, 0, count, headDim])])], { perm: attr.ints([0, 2, 1, 3]) });
  const mergeHeads = i64(g, 'merge_heads_shape', [3], [0, 0, heads * headDim]);

  let residual = x;
  const presents: [name: string, value: string][] = [];
  weights.layers.forEach((w, l) => {
    const p = `layers.${l}.`;
    const q = rope(toHeads(g.op('MatMul', [residual, f32(g, `${p}q_proj`, [hidden, heads * headDim], w.wq)]), heads, `${p}q_shape`));
    const k = rope(toHeads(g.op('MatMul', [residual, f32(g, `${p}k_proj`, [hidden, kvHeads * headDim], w.wk)]), kvHeads, `${p}k_shape`));
    const v = toHeads(g.op('MatMul', [residual, f32(g, `${p}v_proj`, [hidden, kvHeads * headDim], w.wv)]), kvHeads, `${p}v_shape`);
    const presentKey = g.op('Concat', [past[l]!.key, k], { axis: attr.i(2) });
    const presentValue = g.op('Concat', [past[l]!.value, v], { axis: attr.i(2) });
    presents.push([`present.${l}.key`, presentKey], [`present.${l}.value`, presentValue]);
    // [B,heads,S,d] x [B,kvHeads,d,T]: the single KV head broadcasts over the query heads (GQA).
    const keysT = g.op('Transpose', [presentKey], { perm: attr.ints([0, 1, 3, 2]) });
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, keysT]), scoreScale]), maskBias]);
    const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: attr.i(-1) }), presentValue]);
    const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: attr.ints([0, 2, 1, 3]) }), mergeHeads]);
    residual = g.op('Add', [residual, g.op('MatMul', [merged, f32(g, `${p}o_proj`, [heads * headDim, hidden], w.wo)])]);
    const up = g.op('Relu', [g.op('Add', [g.op('MatMul', [residual, f32(g, `${p}up_proj`, [hidden, intermediate], w.w1)]), f32(g, `${p}up_bias`, [intermediate], w.b1)])]);
    residual = g.op('Add', [residual, g.op('MatMul', [up, f32(g, `${p}down_proj`, [intermediate, hidden], w.w2)])]);
  });
  const logits = g.op('MatMul', [residual, f32(g, 'lm_head', [hidden, vocab], weights.lmHead)]);
  // Outputs in the order of real exports: logits, then present.{i}.key/value.
  g.output('logits', 'float32', ['batch_size', 'sequence_length', vocab], logits);
  for (const [name, value] of presents) g.output(name, 'float32', ['batch_size', kvHeads, 'total_sequence_length', headDim], value);
}

const embedTable = (g: GraphBuilder, weights: LlmWeights): string =>
  f32(g, 'embed_tokens', [weights.vocabulary.length, LLM_DIMS.hidden], weights.embed);

/** onnx/model.onnx: input_ids, attention_mask, position_ids, past_key_values.* -> logits, present.* */
export function decoderModel(weights: LlmWeights): Uint8Array {
  const g = new GraphBuilder();
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  decoderBody(g, weights, g.op('Gather', [embedTable(g, weights), inputIds], { axis: attr.i(0) }));
  return g.model('tiny_llm');
}

/** onnx/decoder_model_merged.onnx: the same decoder fed with inputs_embeds instead of input_ids. */
export function decoderFromEmbedsModel(weights: LlmWeights): Uint8Array {
  const g = new GraphBuilder();
  decoderBody(g, weights, g.input('inputs_embeds', 'float32', ['batch_size', 'sequence_length', LLM_DIMS.hidden]));
  return g.model('tiny_llm_decoder');
}

/** onnx/embed_tokens.onnx: input_ids -> inputs_embeds (the same table as model.onnx's Gather). */
export function embedTokensModel(weights: LlmWeights): Uint8Array {
  const g = new GraphBuilder();
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.output('inputs_embeds', 'float32', ['batch_size', 'sequence_length', LLM_DIMS.hidden], g.op('Gather', [embedTable(g, weights), inputIds], { axis: attr.i(0) }));
  return g.model('tiny_llm_embed_tokens');
}
