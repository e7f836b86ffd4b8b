// The two pack LLMs' published hyper-parameters (their config.json on the hub) and how their public ONNX exports
// lay out RoPE and the tied LM head, which the published file sizes give away (see `lmHead` and `rope`).

export interface LlmArchitecture {
  /** Hub name of the checkpoint the scale model stands for. */
  name: string;
  /** transformers class and model_type, as config.json names them. */
  architecture: 'LlamaForCausalLM' | 'Qwen2ForCausalLM';
  modelType: 'llama' | 'qwen2';
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  /** Rows of the embedding table (config vocab_size, padded beyond the tokenizer's ids for Qwen2.5). */
  vocab: number;
  rmsNormEps: number;
  ropeTheta: number;
  maxPositions: number;
  /** Qwen2 has biases on q/k/v (not on o_proj); Llama has none. */
  qkvBias: boolean;
  /**
   * 'computed': cos/sin from inv_freq x position_ids at run time (transformers >= 4.45 rotary module);
   * 'cachedTables': cos/sin gathered from [maxPositions, headDim] tables baked into the file (older exports).
   */
  rope: 'computed' | 'cachedTables';
  /**
   * 'quantizedCopy': the tied table is also a separate MatMul weight, which the q4 quantiser turns into MatMulNBits;
   * 'sharedTable': the LM head reads the embedding table itself through a Transpose, so it stays float.
   */
  lmHead: 'quantizedCopy' | 'sharedTable';
  /** The public parameter count the graph's count must match, and its source. */
  publicParameters: number;
  publicParametersSource: string;
}

/**
 * SmolLM2-360M-Instruct. Published q4 417 MB = fp32 table 189 MB + q4 linears 197 MB + q4 lm_head copy 29.5 MB;
 * q4f16 299 MB = 94 + 177 + 26.5: the tied table is exported twice and the copy quantised ('quantizedCopy').
 */
export const SMOLLM2_360M: LlmArchitecture = {
  name: 'SmolLM2-360M-Instruct',
  architecture: 'LlamaForCausalLM',
  modelType: 'llama',
  hidden: 960,
  layers: 32,
  heads: 15,
  kvHeads: 5,
  headDim: 64,
  intermediate: 2560,
  vocab: 49152,
  rmsNormEps: 1e-5,
  ropeTheta: 100_000,
  maxPositions: 8192,
  qkvBias: false,
  rope: 'computed',
  lmHead: 'quantizedCopy',
  publicParameters: 361_821_120,
  publicParametersSource: 'config.json arithmetic of HuggingFaceTB/SmolLM2-360M-Instruct (361.8M; the model card says 360M)',
};

/**
 * Qwen2.5-0.5B-Instruct. Published q4 786 MB = fp32 table 545 MB + q4 linears 224 MB + fp32 cos/sin tables 17 MB,
 * q4f16 483 MB = 272 + 201 + 8.4: no separate lm_head copy ('sharedTable') and cached RoPE tables of 32768 positions.
 */
export const QWEN25_05B: LlmArchitecture = {
  name: 'Qwen2.5-0.5B-Instruct',
  architecture: 'Qwen2ForCausalLM',
  modelType: 'qwen2',
  hidden: 896,
  layers: 24,
  heads: 14,
  kvHeads: 2,
  headDim: 64,
  intermediate: 4864,
  vocab: 151_936,
  rmsNormEps: 1e-6,
  ropeTheta: 1_000_000,
  maxPositions: 32_768,
  qkvBias: true,
  rope: 'cachedTables',
  lmHead: 'sharedTable',
  publicParameters: 494_032_768,
  publicParametersSource: 'model card of Qwen/Qwen2.5-0.5B-Instruct (0.49B) and its config.json arithmetic (494,032,768)',
};

/** The checkpoint's parameter count from its dimensions (tied LM head counted once), as config arithmetic gives it. */
export function checkpointParameters(a: LlmArchitecture): number {
  const q = a.heads * a.headDim;
  const kv = a.kvHeads * a.headDim;
  const attention = a.hidden * q + 2 * a.hidden * kv + q * a.hidden + (a.qkvBias ? q + 2 * kv : 0);
  const mlp = 3 * a.hidden * a.intermediate;
  const norms = 2 * a.hidden;
  return a.vocab * a.hidden + a.layers * (attention + mlp + norms) + a.hidden;
}
