// The decoder of a Llama/Qwen2 checkpoint as the public Optimum (torch.onnx) exports write it, with random weights:
// standard ops only (no GroupQueryAttention, no SimplifiedLayerNormalization: those come from onnxruntime's
// transformer optimizer or the genai model builder, which these exports do not use). RMSNorm is the exporter's
// Pow -> ReduceMean -> Add(eps) -> Sqrt -> Div(1, .) -> Mul -> Mul(weight); RoPE is Slice/Neg/Concat rotate_half;
// GQA repeats the KV heads with Unsqueeze -> Expand -> Reshape; SiLU is Sigmoid x Mul; linear layers are
// MatMulNBits (block 32) in q4/q4f16, MatMulInteger on int8 weights in int8 (the dynamic quantizer's, which leaves
// the embedding Gather in fp32), and MatMul in fp32.
import { attr, GraphBuilder } from '../../tinyPack/onnxGraph';
import { extraOpsets, Q4_BLOCK_SIZE, ScaleWeights } from '../scaleWeights';
import { tensorSeed, WeightRandom } from '../weights';
import type { LlmArchitecture } from './architectures';

export type LlmFormat = 'fp32' | 'int8' | 'q4' | 'q4f16';

/** 4-bit formats keep a q4 copy of the tied table as the LM head, and the Gather reads its dequantised codes. */
const isQ4 = (format: LlmFormat): boolean => format === 'q4' || format === 'q4f16';

export interface BuiltGraph {
  bytes: Uint8Array;
  /** Parameters of the checkpoint counted while building (the tied LM head once). */
  parameters: number;
  opHistogram: Record<string, number>;
}

const ONNX_BOOL = 9;
const ONNX_FLOAT = 1;
/** Uniform amplitude of the embedding table: normalised hidden states give logits of about unit spread. */
const EMBED_AMPLITUDE = 0.05;
/** o_proj and down_proj write into the residual stream: half the default amplitude keeps 32 layers' sum in float16 range. */
const RESIDUAL_WRITE_GAIN = 0.5;
/** The most negative finite score of the activation type: masked keys, as torch.finfo(dtype).min in the exports. */
const MASK_MIN = { float32: -3.4028234663852886e38, float16: -65504 } as const;

const i64 = (g: GraphBuilder, name: string, dims: number[], values: number[]): string =>
  g.init(name, 'int64', dims, BigInt64Array.from(values.map((v) => BigInt(v))));

/** RoPE inverse frequencies theta^(-2j/d), j < d/2. */
export function ropeInverseFrequencies(headDim: number, theta: number): Float32Array {
  return Float32Array.from({ length: headDim / 2 }, (_, j) => theta ** ((-2 * j) / headDim));
}

/**
 * The tied table [vocab, hidden] and its LM-head weights. In q4 formats the table is the dequantised q4 codes of the
 * head's MatMulNBits, so Gather and LM head hold the same (tied) weights as the quantised export.
 */
interface TiedTable {
  values: Float32Array;
  /** q4 codes [vocab, hidden/32, 16] with one scale for every block (symmetric, zero point 8). */
  q4?: { packed: Uint8Array; scale: number };
}

function tiedTable(a: LlmArchitecture, seed: number, quantizedHead: boolean): TiedTable {
  const random = new WeightRandom(tensorSeed(seed, 'model.embed_tokens.weight'));
  if (!quantizedHead) return { values: random.floats(a.vocab * a.hidden, EMBED_AMPLITUDE) };
  const blocks = a.hidden / Q4_BLOCK_SIZE;
  const packed = random.bytes(a.vocab * blocks * (Q4_BLOCK_SIZE / 2));
  const scale = EMBED_AMPLITUDE / 8;
  const values = new Float32Array(a.vocab * a.hidden);
  for (let i = 0; i < values.length; i++) {
    const byte = packed[i >> 1]!;
    values[i] = (((i & 1) === 0 ? byte & 0x0f : byte >> 4) - 8) * scale;
  }
  return { values, q4: { packed, scale } };
}

/** Builder state shared by the layers of one graph. */
interface Ctx {
  g: GraphBuilder;
  w: ScaleWeights;
  a: LlmArchitecture;
}

function rmsNorm({ g, w, a }: Ctx, x: string, name: string): string {
  const variance = g.op('ReduceMean', [g.op('Pow', [x, w.scalar(`${name}.two`, 2)])], { axes: attr.ints([-1]), keepdims: attr.i(1) });
  const inverseRms = g.op('Div', [w.scalar(`${name}.one`, 1), g.op('Sqrt', [g.op('Add', [variance, w.scalar(`${name}.eps`, a.rmsNormEps)])])]);
  return g.op('Mul', [w.filled(`${name}.weight`, [a.hidden], 1), g.op('Mul', [x, inverseRms])]);
}

/** cos and sin [B, 1, S, headDim] of the activation type, for position_ids [B, S]. */
function ropeTables({ g, w, a }: Ctx, positionIds: string): { cos: string; sin: string } {
  const axis1 = i64(g, 'rope.axes_1', [1], [1]);
  if (a.rope === 'cachedTables') {
    const inverse = ropeInverseFrequencies(a.headDim, a.ropeTheta);
    const cosTable = new Float32Array(a.maxPositions * a.headDim);
    const sinTable = new Float32Array(a.maxPositions * a.headDim);
    for (let p = 0; p < a.maxPositions; p++) {
      for (let j = 0; j < a.headDim; j++) {
        const angle = p * inverse[j % (a.headDim / 2)]!;
        cosTable[p * a.headDim + j] = Math.cos(angle);
        sinTable[p * a.headDim + j] = Math.sin(angle);
      }
    }
    const gather = (table: string) => g.op('Unsqueeze', [g.op('Gather', [table, positionIds], { axis: attr.i(0) }), axis1]);
    return {
      cos: gather(w.float('model.rotary_emb.cos_cached', [a.maxPositions, a.headDim], cosTable, { countAsParameters: false })),
      sin: gather(w.float('model.rotary_emb.sin_cached', [a.maxPositions, a.headDim], sinTable, { countAsParameters: false })),
    };
  }
  // inv_freq[None, :, None] @ position_ids[:, None, :] -> transpose -> cat(freqs, freqs), in float32 as the export does.
  const inverse = g.init('model.rotary_emb.inv_freq', 'float32', [1, a.headDim / 2, 1], ropeInverseFrequencies(a.headDim, a.ropeTheta));
  const positions = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: attr.i(ONNX_FLOAT) }), axis1]);
  const freqs = g.op('Transpose', [g.op('MatMul', [inverse, positions])], { perm: attr.ints([0, 2, 1]) });
  const angles = g.op('Concat', [freqs, freqs], { axis: attr.i(-1) });
  return {
    cos: g.op('Unsqueeze', [w.toActivation(g.op('Cos', [angles])), axis1]),
    sin: g.op('Unsqueeze', [w.toActivation(g.op('Sin', [angles])), axis1]),
  };
}

/** Additive mask [B, 1, S, T]: query i (absolute position past + i) sees keys j <= past + i that are not padding. */
function attentionBias({ g, w }: Ctx, x: string, attentionMask: string): string {
  const zero = i64(g, 'mask.zero', [], [0]);
  const one = i64(g, 'mask.one', [], [1]);
  const axis0 = i64(g, 'mask.axes_0', [1], [0]);
  const axis1 = i64(g, 'mask.axes_1', [1], [1]);
  const seqLen = g.op('Shape', [x], { start: attr.i(1), end: attr.i(2) });
  const totalLen = g.op('Shape', [attentionMask], { start: attr.i(1), end: attr.i(2) });
  const pastLen = g.op('Squeeze', [g.op('Sub', [totalLen, seqLen]), axis0]);
  const keyIndex = g.op('Range', [zero, g.op('Squeeze', [totalLen, axis0]), one]);
  const queryIndex = g.op('Add', [g.op('Range', [zero, g.op('Squeeze', [seqLen, axis0]), one]), pastLen]);
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [keyIndex, axis0]), g.op('Unsqueeze', [queryIndex, axis1])]);
  const notPadding = g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: attr.i(ONNX_BOOL) }), i64(g, 'mask.axes_1_2', [2], [1, 2])]);
  return g.op('Where', [g.op('And', [causal, notPadding]), w.scalar('mask.kept', 0), w.scalar('mask.masked', MASK_MIN[w.floatType])]);
}

function rotateHalf({ g, a }: Ctx, t: string): string {
  const half = a.headDim / 2;
  const axis = i64(g, `rope.axis_${t}`, [1], [-1]);
  const first = g.op('Slice', [t, i64(g, `rope.s0_${t}`, [1], [0]), i64(g, `rope.e0_${t}`, [1], [half]), axis]);
  const second = g.op('Slice', [t, i64(g, `rope.s1_${t}`, [1], [half]), i64(g, `rope.e1_${t}`, [1], [a.headDim]), axis]);
  return g.op('Concat', [g.op('Neg', [second]), first], { axis: attr.i(-1) });
}

/**
 * One decoder layer; returns the new residual stream and the layer's present key/value [B, kvHeads, T, headDim].
 */
function decoderLayer(ctx: Ctx, l: number, residual: string, rope: { cos: string; sin: string }, bias: string, past: { key: string; value: string }) {
  const { g, w, a } = ctx;
  const p = `model.layers.${l}`;
  const qWidth = a.heads * a.headDim;
  const kvWidth = a.kvHeads * a.headDim;
  const toHeads = (t: string, count: number, name: string) =>
    g.op('Transpose', [g.op('Reshape', [t, i64(g, `${p}.${name}_shape`, [4], [0, 0, count, a.headDim])])], { perm: attr.ints([0, 2, 1, 3]) });
  const applyRope = (t: string) => g.op('Add', [g.op('Mul', [t, rope.cos]), g.op('Mul', [rotateHalf(ctx, t), rope.sin])]);

  const normed = rmsNorm(ctx, residual, `${p}.input_layernorm`);
  const project = (name: string, width: number) => w.linear(normed, { name: `${p}.self_attn.${name}`, inFeatures: a.hidden, outFeatures: width, bias: a.qkvBias });
  const q = applyRope(toHeads(project('q_proj', qWidth), a.heads, 'q'));
  const k = applyRope(toHeads(project('k_proj', kvWidth), a.kvHeads, 'k'));
  const v = toHeads(project('v_proj', kvWidth), a.kvHeads, 'v');
  const presentKey = g.op('Concat', [past.key, k], { axis: attr.i(2) });
  const presentValue = g.op('Concat', [past.value, v], { axis: attr.i(2) });

  const repeats = a.heads / a.kvHeads;
  const repeatKv = (t: string, name: string) =>
    repeats === 1
      ? t
      : g.op('Reshape', [
          g.op('Expand', [g.op('Unsqueeze', [t, i64(g, `${p}.${name}_rep_axes`, [1], [2])]), i64(g, `${p}.${name}_rep_shape`, [5], [1, 1, repeats, 1, 1])]),
          i64(g, `${p}.${name}_rep_merge`, [4], [0, a.heads, -1, a.headDim]),
        ]);
  const keys = repeatKv(presentKey, 'k');
  const values = repeatKv(presentValue, 'v');
  const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [keys], { perm: attr.ints([0, 1, 3, 2]) })]), w.scalar(`${p}.score_scale`, 1 / Math.sqrt(a.headDim))]), bias]);
  const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: attr.i(-1) }), values]);
  const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: attr.ints([0, 2, 1, 3]) }), i64(g, `${p}.merge_shape`, [3], [0, 0, qWidth])]);
  const attention = w.linear(merged, { name: `${p}.self_attn.o_proj`, inFeatures: qWidth, outFeatures: a.hidden, amplitude: RESIDUAL_WRITE_GAIN / Math.sqrt(qWidth) });
  const afterAttention = g.op('Add', [residual, attention]);

  const normed2 = rmsNorm(ctx, afterAttention, `${p}.post_attention_layernorm`);
  const gate = w.linear(normed2, { name: `${p}.mlp.gate_proj`, inFeatures: a.hidden, outFeatures: a.intermediate });
  const up = w.linear(normed2, { name: `${p}.mlp.up_proj`, inFeatures: a.hidden, outFeatures: a.intermediate });
  const activated = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  const down = w.linear(activated, { name: `${p}.mlp.down_proj`, inFeatures: a.intermediate, outFeatures: a.hidden, amplitude: RESIDUAL_WRITE_GAIN / Math.sqrt(a.intermediate) });
  return { residual: g.op('Add', [afterAttention, down]), presentKey, presentValue };
}

/** logits = normed x tied table^T, as the export writes the LM head for this architecture and format. */
function lmHead({ g, w, a }: Ctx, x: string, table: TiedTable, tableName: string | null): string {
  if (w.format === 'int8') {
    // The quantizer turns the head's own [hidden, vocab] initializer into int8; the table is tied, so counted once.
    w.parameters -= a.hidden * a.vocab;
    return w.linear(x, { name: 'lm_head', inFeatures: a.hidden, outFeatures: a.vocab });
  }
  if (table.q4) {
    const blocks = a.hidden / Q4_BLOCK_SIZE;
    const packed = g.init('lm_head.weight_Q4', 'uint8', [a.vocab, blocks, Q4_BLOCK_SIZE / 2], table.q4.packed);
    const scales = w.float('lm_head.weight_scales', [a.vocab * blocks], new Float32Array(a.vocab * blocks).fill(table.q4.scale), { countAsParameters: false });
    return g.op('MatMulNBits', [x, packed, scales], { K: attr.i(a.hidden), N: attr.i(a.vocab), bits: attr.i(4), block_size: attr.i(Q4_BLOCK_SIZE) }, 'com.microsoft');
  }
  if (a.lmHead === 'sharedTable' && tableName) return g.op('MatMul', [x, g.op('Transpose', [tableName], { perm: attr.ints([1, 0]) })]);
  // A float copy [hidden, vocab] (fp32 graphs, and decoders without the table of their own).
  const transposed = new Float32Array(a.vocab * a.hidden);
  for (let v = 0; v < a.vocab; v++) for (let h = 0; h < a.hidden; h++) transposed[h * a.vocab + v] = table.values[v * a.hidden + h]!;
  return g.op('MatMul', [x, w.float('lm_head.weight', [a.hidden, a.vocab], transposed, { countAsParameters: false })]);
}

export interface DecoderOptions {
  /** 'ids': onnx/model{suffix}.onnx (input_ids, embedding Gather inside); 'embeds': decoder_model_merged (inputs_embeds). */
  input: 'ids' | 'embeds';
}

/** The whole decoder: inputs, layers, final norm, LM head, and outputs in the exports' order (logits, present.*). */
export function buildDecoder(a: LlmArchitecture, format: LlmFormat, seed: number, { input }: DecoderOptions): BuiltGraph {
  const g = new GraphBuilder();
  const w = new ScaleWeights(g, seed, format);
  const ctx: Ctx = { g, w, a };
  // A decoder fed with embeddings has no table of its own: its head is a separate weight, quantised in q4 formats.
  const quantizedHead = isQ4(format) && (input === 'embeds' || a.lmHead === 'quantizedCopy');
  const table = tiedTable(a, seed, quantizedHead);
  let x: string;
  let tableName: string | null = null;
  if (input === 'ids') {
    const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
    tableName = w.float('model.embed_tokens.weight', [a.vocab, a.hidden], table.values);
    x = g.op('Gather', [tableName, inputIds], { axis: attr.i(0) });
  } else {
    // The table lives in embed_tokens; count it here too, so each graph reports the whole checkpoint.
    w.parameters += a.vocab * a.hidden;
    x = g.input('inputs_embeds', w.floatType, ['batch_size', 'sequence_length', a.hidden]);
  }
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  const pastDims = ['batch_size', a.kvHeads, 'past_sequence_length', a.headDim];
  const past = Array.from({ length: a.layers }, (_, l) => ({
    key: g.input(`past_key_values.${l}.key`, w.floatType, pastDims),
    value: g.input(`past_key_values.${l}.value`, w.floatType, pastDims),
  }));
  const rope = ropeTables(ctx, positionIds);
  const bias = attentionBias(ctx, x, attentionMask);
  const presents: [string, string][] = [];
  for (let l = 0; l < a.layers; l++) {
    const layer = decoderLayer(ctx, l, x, rope, bias, past[l]!);
    x = layer.residual;
    presents.push([`present.${l}.key`, layer.presentKey], [`present.${l}.value`, layer.presentValue]);
  }
  const logits = lmHead(ctx, rmsNorm(ctx, x, 'model.norm'), table, tableName);
  g.output('logits', w.floatType, ['batch_size', 'sequence_length', a.vocab], logits);
  const presentDims = ['batch_size', a.kvHeads, 'total_sequence_length', a.headDim];
  for (const [name, value] of presents) g.output(name, w.floatType, presentDims, value);
  return { bytes: g.model(`${a.name}-${input}`, { extraOpsets: extraOpsets(format) }), parameters: w.parameters, opHistogram: g.opHistogram() };
}

/** onnx/embed_tokens{suffix}.onnx: input_ids -> inputs_embeds, the same table as decoder_model_merged's tied head. */
export function buildEmbedTokens(a: LlmArchitecture, format: LlmFormat, seed: number): BuiltGraph {
  const g = new GraphBuilder();
  const w = new ScaleWeights(g, seed, format);
  const table = w.float('model.embed_tokens.weight', [a.vocab, a.hidden], tiedTable(a, seed, isQ4(format)).values);
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.output('inputs_embeds', w.floatType, ['batch_size', 'sequence_length', a.hidden], g.op('Gather', [table, inputIds], { axis: attr.i(0) }));
  return { bytes: g.model(`${a.name}-embed_tokens`), parameters: w.parameters, opHistogram: g.opHistogram() };
}
