// The official ES4R release's parameter names (GitHub z786z786/ES4R: src/modeling_blsp2.py `Blsp2Model`,
// src/modeling_adapter.py `Subsampler`, `CFormer`, HF `WhisperEncoderLayer`) <-> our weight structures
// (stage1Types.ts, stage2/weights.ts). Layouts are PyTorch's on both sides, so no tensor is transposed here.
//
// Release facts this file relies on (read from the release's source):
// - `self.subsample = Subsampler(in_dim=80, mid_dim=80, out_dim=80, num_hidden_layers=0, conv_kernel_sizes="5,5,5")`:
//   conv_layers.{0,1,2} all Conv1d(80 -> 160, k5, s2, p2); fc1/fc2 Linear(80, 80, bias=False); speech_ln LayerNorm(80).
// - `self.self_attn = nn.MultiheadAttention(80, 16)`; `self.cross_attn = nn.MultiheadAttention(qwen hidden_size,
//   qwen num_attention_heads)`.
// - `CFormer(whisper_config, qwen hidden_size, vocab, num_pre_cif_layers, num_post_cif_layers)`: WhisperEncoderLayer
//   with d_model = whisper d_model, ffn = whisper encoder_ffn_dim, heads = 8 (the constructor default, never passed);
//   cif_proj Linear(d-1, d); token_embed_proj Linear(d, H); lm_head Linear(d, vocab, bias=False) (training only: ignored).
// - Blsp2Config defaults: adapter_type "cformer", num_pre_cif_layers 4, num_post_cif_layers 4, conv_kernel_sizes "5,5,5".
// Everything else in a checkpoint (whisper_model.*, qwen_model.*, adapter.lm_head.*, hidden2emotion.*) is ignored.
import { z } from 'zod';
import {
  ATTENTION_HEADS,
  CONV_CHANNELS,
  CONV_KERNEL,
  CONV_LAYERS,
  MEL_BINS,
  type MultiheadAttentionWeights,
  type SubsamplerWeights,
} from '../../../src/models/es4r/stage1/stage1Types';
import type { CformerWeights, CrossAttentionWeights, EncoderLayerWeights, LinearWeights } from '../graphs/stage2/weights';

/** The release's Subsampler mid_dim (fc1: 80 -> 80 -> fc2). */
export const SUBSAMPLER_HIDDEN = 80;
/** CFormer's num_hidden_heads: the constructor default 8, not configurable in the release. */
export const CFORMER_HEADS = 8;

export interface Es4rDims {
  /** Whisper d_model (CFormer width). */
  dModel: number;
  /** Whisper encoder_ffn_dim (CFormer feed-forward width). */
  ffnDim: number;
  cformerHeads: number;
  preLayers: number;
  postLayers: number;
  /** LLM hidden size H (token_embed_proj output, cross-attention width). */
  llmHidden: number;
  /** LLM num_attention_heads (cross-attention heads). */
  llmHeads: number;
}

export interface Es4rWeights {
  subsampler: SubsamplerWeights;
  affect: MultiheadAttentionWeights;
  cformer: CformerWeights;
  crossAttention: CrossAttentionWeights;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

// ---------------------------------------------------------------------------------------------- config.json

const positiveInt = z.number().int().positive();

const releaseConfigSchema = z.object({
  adapter_type: z.string().default('cformer'),
  conv_kernel_sizes: z.string().default('5,5,5'),
  num_pre_cif_layers: z.number().int().nonnegative().default(4),
  num_post_cif_layers: z.number().int().nonnegative().default(4),
  whisper_config: z.object({
    d_model: positiveInt,
    encoder_ffn_dim: positiveInt,
    num_mel_bins: positiveInt.optional(),
    activation_function: z.string().optional(),
    _name_or_path: z.string().optional(),
  }),
  qwen_config: z.object({
    hidden_size: positiveInt,
    num_attention_heads: positiveInt,
    _name_or_path: z.string().optional(),
  }),
});

export interface ReleaseConfig {
  dims: Es4rDims;
  /** `_name_or_path` of the Whisper and LLM configs, when the release config records them. */
  whisperName?: string;
  llmName?: string;
}

/** Parses the release's config.json (Blsp2Config) and checks that we can run what it describes. */
export function parseReleaseConfig(json: unknown): ReleaseConfig {
  const parsed = releaseConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new CheckpointError(`bad ES4R config.json: ${issues.join('; ')}`);
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (c.adapter_type !== 'cformer') problems.push(`adapter_type '${c.adapter_type}' is not supported (only 'cformer')`);
  if (c.conv_kernel_sizes.replace(/\s/g, '') !== '5,5,5') problems.push(`conv_kernel_sizes '${c.conv_kernel_sizes}' is not supported (only '5,5,5')`);
  if (c.num_pre_cif_layers < 1) problems.push('num_pre_cif_layers 0 (a single pre_cif_layer Linear) is not supported');
  if (c.whisper_config.num_mel_bins !== undefined && c.whisper_config.num_mel_bins !== MEL_BINS) problems.push(`whisper_config.num_mel_bins ${c.whisper_config.num_mel_bins} is not ${MEL_BINS}`);
  const act = c.whisper_config.activation_function;
  if (act !== undefined && act !== 'gelu') problems.push(`whisper_config.activation_function '${act}' is not supported (only 'gelu')`);
  if (c.whisper_config.d_model % CFORMER_HEADS !== 0) problems.push(`whisper_config.d_model ${c.whisper_config.d_model} is not divisible by the CFormer's ${CFORMER_HEADS} heads`);
  if (c.qwen_config.hidden_size % c.qwen_config.num_attention_heads !== 0) {
    problems.push(`qwen_config.hidden_size ${c.qwen_config.hidden_size} is not divisible by num_attention_heads ${c.qwen_config.num_attention_heads}`);
  }
  if (problems.length > 0) throw new CheckpointError(`bad ES4R config.json: ${problems.join('; ')}`);
  const result: ReleaseConfig = {
    dims: {
      dModel: c.whisper_config.d_model,
      ffnDim: c.whisper_config.encoder_ffn_dim,
      cformerHeads: CFORMER_HEADS,
      preLayers: c.num_pre_cif_layers,
      postLayers: c.num_post_cif_layers,
      llmHidden: c.qwen_config.hidden_size,
      llmHeads: c.qwen_config.num_attention_heads,
    },
  };
  if (c.whisper_config._name_or_path) result.whisperName = c.whisper_config._name_or_path;
  if (c.qwen_config._name_or_path) result.llmName = c.qwen_config._name_or_path;
  return result;
}

/** A release config.json (Blsp2Config subset) for the given dims: what randomCheckpoint writes. */
export function releaseConfigFor(dims: Es4rDims): Record<string, unknown> {
  return {
    model_type: 'blsp2',
    adapter_type: 'cformer',
    conv_kernel_sizes: '5,5,5',
    num_pre_cif_layers: dims.preLayers,
    num_post_cif_layers: dims.postLayers,
    whisper_config: { d_model: dims.dModel, encoder_ffn_dim: dims.ffnDim, num_mel_bins: MEL_BINS, activation_function: 'gelu' },
    qwen_config: { hidden_size: dims.llmHidden, num_attention_heads: dims.llmHeads },
  };
}

// ---------------------------------------------------------------------------------------------- name table

export interface NameTableRow {
  /** Release parameter name; `N` stands for a layer index. */
  release: string;
  /** Field of our weight structures (Es4rWeights paths). */
  ours: string;
  /** PyTorch shape, as a formula of d (whisper d_model), f (encoder_ffn_dim), H (LLM hidden). */
  shape: string;
}

type Shape2 = (d: number, f: number) => number[];
const D: Shape2 = (d) => [d];
const DD: Shape2 = (d) => [d, d];
const FD: Shape2 = (d, f) => [f, d];
const F: Shape2 = (_d, f) => [f];
const DF: Shape2 = (d, f) => [d, f];

const LAYER_ROWS: readonly [string, string, string, Shape2][] = [
  ['self_attn_layer_norm.weight', 'selfAttnLayerNormWeight', '[d]', D],
  ['self_attn_layer_norm.bias', 'selfAttnLayerNormBias', '[d]', D],
  ['self_attn.q_proj.weight', 'qProjWeight', '[d, d]', DD],
  ['self_attn.q_proj.bias', 'qProjBias', '[d]', D],
  ['self_attn.k_proj.weight', 'kProjWeight', '[d, d] (k_proj has no bias)', DD],
  ['self_attn.v_proj.weight', 'vProjWeight', '[d, d]', DD],
  ['self_attn.v_proj.bias', 'vProjBias', '[d]', D],
  ['self_attn.out_proj.weight', 'outProjWeight', '[d, d]', DD],
  ['self_attn.out_proj.bias', 'outProjBias', '[d]', D],
  ['final_layer_norm.weight', 'finalLayerNormWeight', '[d]', D],
  ['final_layer_norm.bias', 'finalLayerNormBias', '[d]', D],
  ['fc1.weight', 'fc1Weight', '[f, d]', FD],
  ['fc1.bias', 'fc1Bias', '[f]', F],
  ['fc2.weight', 'fc2Weight', '[d, f]', DF],
  ['fc2.bias', 'fc2Bias', '[d]', D],
];

export const NAME_TABLE: readonly NameTableRow[] = [
  { release: 'subsample.subsampler.conv_layers.N.weight', ours: 'subsampler.convs[N].weight', shape: '[160, 80, 5] (N = 0..2)' },
  { release: 'subsample.subsampler.conv_layers.N.bias', ours: 'subsampler.convs[N].bias', shape: '[160] (N = 0..2)' },
  { release: 'subsample.fc1.weight', ours: 'subsampler.fc1', shape: '[80, 80] (no bias)' },
  { release: 'subsample.fc2.weight', ours: 'subsampler.fc2', shape: '[80, 80] (no bias)' },
  { release: 'subsample.speech_ln.weight', ours: 'subsampler.lnWeight', shape: '[80]' },
  { release: 'subsample.speech_ln.bias', ours: 'subsampler.lnBias', shape: '[80]' },
  { release: 'self_attn.in_proj_weight', ours: 'affect.inProjWeight', shape: '[240, 80]' },
  { release: 'self_attn.in_proj_bias', ours: 'affect.inProjBias', shape: '[240]' },
  { release: 'self_attn.out_proj.weight', ours: 'affect.outProjWeight', shape: '[80, 80]' },
  { release: 'self_attn.out_proj.bias', ours: 'affect.outProjBias', shape: '[80]' },
  ...LAYER_ROWS.map(([name, field, shape]) => ({ release: `adapter.pre_cif_layers.N.${name}`, ours: `cformer.preLayers[N].${field}`, shape })),
  { release: 'adapter.cif_proj.weight', ours: 'cformer.cifProj.weight', shape: '[d, d-1]' },
  { release: 'adapter.cif_proj.bias', ours: 'cformer.cifProj.bias', shape: '[d]' },
  ...LAYER_ROWS.map(([name, field, shape]) => ({ release: `adapter.post_cif_layers.N.${name}`, ours: `cformer.postLayers[N].${field}`, shape })),
  { release: 'adapter.token_embed_proj.weight', ours: 'cformer.tokenEmbedProj.weight', shape: '[H, d]' },
  { release: 'adapter.token_embed_proj.bias', ours: 'cformer.tokenEmbedProj.bias', shape: '[H]' },
  { release: 'cross_attn.in_proj_weight', ours: 'crossAttention.inProjWeight', shape: '[3H, H]' },
  { release: 'cross_attn.in_proj_bias', ours: 'crossAttention.inProjBias', shape: '[3H]' },
  { release: 'cross_attn.out_proj.weight', ours: 'crossAttention.outProjWeight', shape: '[H, H]' },
  { release: 'cross_attn.out_proj.bias', ours: 'crossAttention.outProjBias', shape: '[H]' },
];

/** The name table as aligned plain text (for docs/speech-path.md). */
export function formatNameTable(rows: readonly NameTableRow[] = NAME_TABLE): string {
  const header: NameTableRow = { release: 'release name', ours: 'our field', shape: 'shape' };
  const all = [header, ...rows];
  const w1 = Math.max(...all.map((r) => r.release.length));
  const w2 = Math.max(...all.map((r) => r.ours.length));
  return all.map((r) => `${r.release.padEnd(w1)}  ${r.ours.padEnd(w2)}  ${r.shape}`.trimEnd()).join('\n');
}

// ---------------------------------------------------------------------------------------------- concrete names

export interface ReleaseTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The release tensors ES4R-web uses, with their shapes for `dims`, in a fixed order. */
export function releaseTensorShapes(dims: Es4rDims): [string, number[]][] {
  const { dModel: d, ffnDim: f, llmHidden: h } = dims;
  const E = MEL_BINS;
  const out: [string, number[]][] = [];
  for (let i = 0; i < CONV_LAYERS; i++) {
    out.push([`subsample.subsampler.conv_layers.${i}.weight`, [CONV_CHANNELS, MEL_BINS, CONV_KERNEL]]);
    out.push([`subsample.subsampler.conv_layers.${i}.bias`, [CONV_CHANNELS]]);
  }
  out.push(['subsample.fc1.weight', [SUBSAMPLER_HIDDEN, E]], ['subsample.fc2.weight', [E, SUBSAMPLER_HIDDEN]]);
  out.push(['subsample.speech_ln.weight', [E]], ['subsample.speech_ln.bias', [E]]);
  out.push(['self_attn.in_proj_weight', [3 * E, E]], ['self_attn.in_proj_bias', [3 * E]], ['self_attn.out_proj.weight', [E, E]], ['self_attn.out_proj.bias', [E]]);
  const layerShapes = (prefix: string) => {
    for (const [name, , , shape] of LAYER_ROWS) out.push([`${prefix}.${name}`, shape(d, f)]);
  };
  for (let i = 0; i < dims.preLayers; i++) layerShapes(`adapter.pre_cif_layers.${i}`);
  out.push(['adapter.cif_proj.weight', [d, d - 1]], ['adapter.cif_proj.bias', [d]]);
  for (let i = 0; i < dims.postLayers; i++) layerShapes(`adapter.post_cif_layers.${i}`);
  out.push(['adapter.token_embed_proj.weight', [h, d]], ['adapter.token_embed_proj.bias', [h]]);
  out.push(['cross_attn.in_proj_weight', [3 * h, h]], ['cross_attn.in_proj_bias', [3 * h]], ['cross_attn.out_proj.weight', [h, h]], ['cross_attn.out_proj.bias', [h]]);
  return out;
}

/** Something that yields float32 tensors by release name (e.g. a parsed safetensors file). */
export interface TensorSource {
  /** undefined when the checkpoint has no such tensor. */
  shape(name: string): readonly number[] | undefined;
  /** Only called after shape() returned a matching shape. */
  read(name: string): Float32Array;
}

export function tensorSourceFromMap(map: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>): TensorSource {
  return { shape: (name) => map.get(name)?.shape, read: (name) => map.get(name)!.data };
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Maps the release's tensors to our weight structures. Every missing or mis-shaped tensor is collected and
 * reported in one CheckpointError. Also checks that the layer counts of `dims` match the checkpoint (a layer
 * N >= the configured count present in the checkpoint is an error, as it would be silently dropped).
 */
export function weightsFromRelease(source: TensorSource, dims: Es4rDims, allNames?: Iterable<string>): Es4rWeights {
  const expected = releaseTensorShapes(dims);
  const missing: string[] = [];
  const misShaped: string[] = [];
  const values = new Map<string, Float32Array>();
  for (const [name, shape] of expected) {
    const actual = source.shape(name);
    if (!actual) missing.push(`${name} ${fmt(shape)}`);
    else if (actual.length !== shape.length || actual.some((v, i) => v !== shape[i])) misShaped.push(`${name} is ${fmt(actual)}, expected ${fmt(shape)}`);
  }
  const extraLayers: string[] = [];
  if (allNames) {
    for (const name of allNames) {
      const m = /^adapter\.(pre|post)_cif_layers\.(\d+)\./.exec(name);
      if (m && Number(m[2]) >= (m[1] === 'pre' ? dims.preLayers : dims.postLayers)) extraLayers.push(name);
    }
  }
  const problems: string[] = [];
  const list = (label: string, items: string[]) => {
    if (items.length === 0) return;
    const shown = items.slice(0, 8).join('; ');
    problems.push(`${items.length} ${label}: ${shown}${items.length > 8 ? `; ... (${items.length - 8} more)` : ''}`);
  };
  list('missing tensor(s)', missing);
  list('mis-shaped tensor(s)', misShaped);
  list(`tensor(s) beyond the configured ${dims.preLayers}+${dims.postLayers} CFormer layers`, extraLayers);
  if (problems.length > 0) throw new CheckpointError(`ES4R checkpoint does not match its config: ${problems.join(' | ')}`);
  for (const [name] of expected) values.set(name, source.read(name));
  const t = (name: string) => values.get(name)!;

  const subsampler: SubsamplerWeights = {
    convs: Array.from({ length: CONV_LAYERS }, (_, i) => ({
      weight: t(`subsample.subsampler.conv_layers.${i}.weight`),
      bias: t(`subsample.subsampler.conv_layers.${i}.bias`),
    })),
    hidden: SUBSAMPLER_HIDDEN,
    fc1: t('subsample.fc1.weight'),
    fc2: t('subsample.fc2.weight'),
    lnWeight: t('subsample.speech_ln.weight'),
    lnBias: t('subsample.speech_ln.bias'),
  };
  const affect: MultiheadAttentionWeights = {
    embedDim: MEL_BINS,
    numHeads: ATTENTION_HEADS,
    inProjWeight: t('self_attn.in_proj_weight'),
    inProjBias: t('self_attn.in_proj_bias'),
    outProjWeight: t('self_attn.out_proj.weight'),
    outProjBias: t('self_attn.out_proj.bias'),
  };
  const layer = (p: string): EncoderLayerWeights => ({
    dModel: dims.dModel,
    heads: dims.cformerHeads,
    ffnDim: dims.ffnDim,
    selfAttnLayerNormWeight: t(`${p}.self_attn_layer_norm.weight`),
    selfAttnLayerNormBias: t(`${p}.self_attn_layer_norm.bias`),
    qProjWeight: t(`${p}.self_attn.q_proj.weight`),
    qProjBias: t(`${p}.self_attn.q_proj.bias`),
    kProjWeight: t(`${p}.self_attn.k_proj.weight`),
    vProjWeight: t(`${p}.self_attn.v_proj.weight`),
    vProjBias: t(`${p}.self_attn.v_proj.bias`),
    outProjWeight: t(`${p}.self_attn.out_proj.weight`),
    outProjBias: t(`${p}.self_attn.out_proj.bias`),
    finalLayerNormWeight: t(`${p}.final_layer_norm.weight`),
    finalLayerNormBias: t(`${p}.final_layer_norm.bias`),
    fc1Weight: t(`${p}.fc1.weight`),
    fc1Bias: t(`${p}.fc1.bias`),
    fc2Weight: t(`${p}.fc2.weight`),
    fc2Bias: t(`${p}.fc2.bias`),
  });
  const linear = (p: string, inFeatures: number, outFeatures: number): LinearWeights => ({ inFeatures, outFeatures, weight: t(`${p}.weight`), bias: t(`${p}.bias`) });
  const cformer: CformerWeights = {
    dModel: dims.dModel,
    llmHidden: dims.llmHidden,
    preLayers: Array.from({ length: dims.preLayers }, (_, i) => layer(`adapter.pre_cif_layers.${i}`)),
    cifProj: linear('adapter.cif_proj', dims.dModel - 1, dims.dModel),
    postLayers: Array.from({ length: dims.postLayers }, (_, i) => layer(`adapter.post_cif_layers.${i}`)),
    tokenEmbedProj: linear('adapter.token_embed_proj', dims.dModel, dims.llmHidden),
  };
  const crossAttention: CrossAttentionWeights = {
    embed: dims.llmHidden,
    heads: dims.llmHeads,
    inProjWeight: t('cross_attn.in_proj_weight'),
    inProjBias: t('cross_attn.in_proj_bias'),
    outProjWeight: t('cross_attn.out_proj.weight'),
    outProjBias: t('cross_attn.out_proj.bias'),
  };
  return { subsampler, affect, cformer, crossAttention };
}

/** The inverse of weightsFromRelease: our structures -> release-named tensors (order of releaseTensorShapes). */
export function releaseTensorsFromWeights(w: Es4rWeights, dims: Es4rDims): ReleaseTensor[] {
  const byName = new Map<string, Float32Array>();
  w.subsampler.convs.forEach((c, i) => {
    byName.set(`subsample.subsampler.conv_layers.${i}.weight`, c.weight);
    byName.set(`subsample.subsampler.conv_layers.${i}.bias`, c.bias);
  });
  byName.set('subsample.fc1.weight', w.subsampler.fc1);
  byName.set('subsample.fc2.weight', w.subsampler.fc2);
  byName.set('subsample.speech_ln.weight', w.subsampler.lnWeight);
  byName.set('subsample.speech_ln.bias', w.subsampler.lnBias);
  byName.set('self_attn.in_proj_weight', w.affect.inProjWeight);
  byName.set('self_attn.in_proj_bias', w.affect.inProjBias);
  byName.set('self_attn.out_proj.weight', w.affect.outProjWeight);
  byName.set('self_attn.out_proj.bias', w.affect.outProjBias);
  const layer = (p: string, l: EncoderLayerWeights) => {
    const fields: Record<string, Float32Array> = {
      'self_attn_layer_norm.weight': l.selfAttnLayerNormWeight,
      'self_attn_layer_norm.bias': l.selfAttnLayerNormBias,
      'self_attn.q_proj.weight': l.qProjWeight,
      'self_attn.q_proj.bias': l.qProjBias,
      'self_attn.k_proj.weight': l.kProjWeight,
      'self_attn.v_proj.weight': l.vProjWeight,
      'self_attn.v_proj.bias': l.vProjBias,
      'self_attn.out_proj.weight': l.outProjWeight,
      'self_attn.out_proj.bias': l.outProjBias,
      'final_layer_norm.weight': l.finalLayerNormWeight,
      'final_layer_norm.bias': l.finalLayerNormBias,
      'fc1.weight': l.fc1Weight,
      'fc1.bias': l.fc1Bias,
      'fc2.weight': l.fc2Weight,
      'fc2.bias': l.fc2Bias,
    };
    for (const [k, v] of Object.entries(fields)) byName.set(`${p}.${k}`, v);
  };
  w.cformer.preLayers.forEach((l, i) => layer(`adapter.pre_cif_layers.${i}`, l));
  byName.set('adapter.cif_proj.weight', w.cformer.cifProj.weight);
  byName.set('adapter.cif_proj.bias', w.cformer.cifProj.bias);
  w.cformer.postLayers.forEach((l, i) => layer(`adapter.post_cif_layers.${i}`, l));
  byName.set('adapter.token_embed_proj.weight', w.cformer.tokenEmbedProj.weight);
  byName.set('adapter.token_embed_proj.bias', w.cformer.tokenEmbedProj.bias);
  byName.set('cross_attn.in_proj_weight', w.crossAttention.inProjWeight);
  byName.set('cross_attn.in_proj_bias', w.crossAttention.inProjBias);
  byName.set('cross_attn.out_proj.weight', w.crossAttention.outProjWeight);
  byName.set('cross_attn.out_proj.bias', w.crossAttention.outProjBias);
  return releaseTensorShapes(dims).map(([name, shape]) => {
    const data = byName.get(name);
    if (!data) throw new CheckpointError(`releaseTensorsFromWeights: no weights for ${name}`);
    if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new CheckpointError(`releaseTensorsFromWeights: ${name} has ${data.length} values, expected ${fmt(shape)}`);
    return { name, shape, data };
  });
}
