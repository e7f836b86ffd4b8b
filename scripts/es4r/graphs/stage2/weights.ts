// Weight layouts for the ES4R Stage 2 adapter blocks (PyTorch naming and layouts: nn.Linear weights are
// [out, in] row-major) and deterministic random weights for tests.
import { seededRandom, uniformArray } from '../../../tinyPack/seededRandom';

/** One Whisper-style encoder layer (WhisperEncoderLayer): k_proj has no bias. */
export interface EncoderLayerWeights {
  dModel: number;
  heads: number;
  ffnDim: number;
  selfAttnLayerNormWeight: Float32Array; // [d]
  selfAttnLayerNormBias: Float32Array; // [d]
  qProjWeight: Float32Array; // [d, d]
  qProjBias: Float32Array; // [d]
  kProjWeight: Float32Array; // [d, d] (no bias)
  vProjWeight: Float32Array; // [d, d]
  vProjBias: Float32Array; // [d]
  outProjWeight: Float32Array; // [d, d]
  outProjBias: Float32Array; // [d]
  finalLayerNormWeight: Float32Array; // [d]
  finalLayerNormBias: Float32Array; // [d]
  fc1Weight: Float32Array; // [ffn, d]
  fc1Bias: Float32Array; // [ffn]
  fc2Weight: Float32Array; // [d, ffn]
  fc2Bias: Float32Array; // [d]
}

/** A plain nn.Linear. */
export interface LinearWeights {
  inFeatures: number;
  outFeatures: number;
  weight: Float32Array; // [out, in]
  bias: Float32Array; // [out]
}

/** The CFormer adapter: pre-CIF layers -> CIF -> cif_proj (d-1 -> d) -> post-CIF layers -> token_embed_proj (d -> H). */
export interface CformerWeights {
  dModel: number;
  llmHidden: number;
  preLayers: EncoderLayerWeights[];
  cifProj: LinearWeights; // d-1 -> d
  postLayers: EncoderLayerWeights[];
  tokenEmbedProj: LinearWeights; // d -> llmHidden
}

/** nn.MultiheadAttention(embed, heads): in_proj_weight [3E, E] = [Wq; Wk; Wv], in_proj_bias [3E], out_proj. */
export interface CrossAttentionWeights {
  embed: number;
  heads: number;
  inProjWeight: Float32Array; // [3E, E]
  inProjBias: Float32Array; // [3E]
  outProjWeight: Float32Array; // [E, E]
  outProjBias: Float32Array; // [E]
}

type Random = () => number;

/** Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) like PyTorch's default init, so activations stay O(1). */
function linearInit(random: Random, inFeatures: number, outFeatures: number): LinearWeights {
  const scale = 1 / Math.sqrt(inFeatures);
  return { inFeatures, outFeatures, weight: uniformArray(random, inFeatures * outFeatures, scale), bias: uniformArray(random, outFeatures, scale) };
}

/** LayerNorm gamma around 1, beta around 0 (perturbed so the test exercises them). */
function normInit(random: Random, d: number): [Float32Array, Float32Array] {
  return [Float32Array.from(uniformArray(random, d, 0.2), (v) => 1 + v), uniformArray(random, d, 0.1)];
}

export function randomEncoderLayer(random: Random, dModel: number, heads: number, ffnDim: number): EncoderLayerWeights {
  const [selfAttnLayerNormWeight, selfAttnLayerNormBias] = normInit(random, dModel);
  const q = linearInit(random, dModel, dModel);
  const k = linearInit(random, dModel, dModel);
  const v = linearInit(random, dModel, dModel);
  const o = linearInit(random, dModel, dModel);
  const [finalLayerNormWeight, finalLayerNormBias] = normInit(random, dModel);
  const fc1 = linearInit(random, dModel, ffnDim);
  const fc2 = linearInit(random, ffnDim, dModel);
  return {
    dModel,
    heads,
    ffnDim,
    selfAttnLayerNormWeight,
    selfAttnLayerNormBias,
    qProjWeight: q.weight,
    qProjBias: q.bias,
    kProjWeight: k.weight,
    vProjWeight: v.weight,
    vProjBias: v.bias,
    outProjWeight: o.weight,
    outProjBias: o.bias,
    finalLayerNormWeight,
    finalLayerNormBias,
    fc1Weight: fc1.weight,
    fc1Bias: fc1.bias,
    fc2Weight: fc2.weight,
    fc2Bias: fc2.bias,
  };
}

export interface CformerShape {
  dModel: number;
  heads: number;
  ffnDim: number;
  preLayers: number;
  postLayers: number;
  llmHidden: number;
}

export function randomCformer(seed: number, shape: CformerShape): CformerWeights {
  const random = seededRandom(seed);
  const layer = () => randomEncoderLayer(random, shape.dModel, shape.heads, shape.ffnDim);
  return {
    dModel: shape.dModel,
    llmHidden: shape.llmHidden,
    preLayers: Array.from({ length: shape.preLayers }, layer),
    cifProj: linearInit(random, shape.dModel - 1, shape.dModel),
    postLayers: Array.from({ length: shape.postLayers }, layer),
    tokenEmbedProj: linearInit(random, shape.dModel, shape.llmHidden),
  };
}

export function randomCrossAttention(seed: number, embed: number, heads: number): CrossAttentionWeights {
  const random = seededRandom(seed);
  const scale = 1 / Math.sqrt(embed);
  return {
    embed,
    heads,
    inProjWeight: uniformArray(random, 3 * embed * embed, scale),
    inProjBias: uniformArray(random, 3 * embed, scale),
    outProjWeight: uniformArray(random, embed * embed, scale),
    outProjBias: uniformArray(random, embed, scale),
  };
}

/** Random [rows, cols] activations in [-scale, scale]. */
export function randomActivations(seed: number, rows: number, cols: number, scale = 1): Float32Array {
  return uniformArray(seededRandom(seed), rows * cols, scale);
}
