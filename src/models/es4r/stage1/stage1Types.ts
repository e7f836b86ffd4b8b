// ES4R Stage 1 (prepositive dual-level affective attention): shapes, constants and weight layouts.
// docs/es4r.md gives Stage 1. All weight matrices use PyTorch's layouts, row-major:
// Conv1d weight [out, in, kernel], Linear weight [out, in], MultiheadAttention in_proj_weight [3*E, E].

/** Whisper log-mel bins; also the width of every Stage 1 feature. */
export const MEL_BINS = 80;
/** Conv1d output channels before GLU halves them back to MEL_BINS. */
export const CONV_CHANNELS = 160;
export const CONV_KERNEL = 5;
export const CONV_STRIDE = 2;
export const CONV_PADDING = 2;
/** Number of Conv1d+GLU stages (each halves the frame count: 8x in total). */
export const CONV_LAYERS = 3;
export const ATTENTION_HEADS = 16;
/** Frames of the pseudo-mel fed to Whisper's encoder (30 s of mel). */
export const WHISPER_MEL_FRAMES = 3000;
/** PyTorch nn.LayerNorm default epsilon (the release does not override it). */
export const LAYER_NORM_EPS = 1e-5;

export interface Conv1dWeights {
  /** [outChannels, inChannels, kernel] */
  weight: Float32Array;
  /** [outChannels] */
  bias: Float32Array;
}

export interface SubsamplerWeights {
  /** CONV_LAYERS convolutions 80 -> 160 (kernel 5, stride 2, padding 2), each followed by GLU. */
  convs: Conv1dWeights[];
  /** Hidden width of the residual block (a parameter: the release's value is not fixed here). */
  hidden: number;
  /** fc1 weight [hidden, 80], no bias. */
  fc1: Float32Array;
  /** fc2 weight [80, hidden], no bias. */
  fc2: Float32Array;
  /** LayerNorm(80) gamma / beta. */
  lnWeight: Float32Array;
  lnBias: Float32Array;
}

/** Weights of a PyTorch nn.MultiheadAttention (batch_first irrelevant here; bias=True, no add_bias_kv). */
export interface MultiheadAttentionWeights {
  embedDim: number;
  numHeads: number;
  /** [3*embedDim, embedDim]: rows 0..E-1 are W_q, E..2E-1 W_k, 2E..3E-1 W_v. */
  inProjWeight: Float32Array;
  /** [3*embedDim] */
  inProjBias: Float32Array;
  /** [embedDim, embedDim] */
  outProjWeight: Float32Array;
  /** [embedDim] */
  outProjBias: Float32Array;
}
