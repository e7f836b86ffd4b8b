// config.json and generation_config.json as the public repos have them, for the plain (model_*.onnx) layout and for
// the embeddings-in layout (embed_tokens + decoder_model_merged), which poses as Gemma3ForConditionalGeneration.
import type { LlmArchitecture } from './architectures';

export interface TokenIds {
  bos: number | null;
  eos: number;
  pad: number;
  /** generation_config's eos list (Qwen2.5 stops at <|im_end|> and <|endoftext|>). */
  generationEos: number | number[];
}

function dimensions(a: LlmArchitecture): Record<string, unknown> {
  return {
    hidden_act: 'silu',
    hidden_size: a.hidden,
    initializer_range: 0.02,
    intermediate_size: a.intermediate,
    max_position_embeddings: a.maxPositions,
    num_attention_heads: a.heads,
    num_hidden_layers: a.layers,
    num_key_value_heads: a.kvHeads,
    rms_norm_eps: a.rmsNormEps,
    rope_theta: a.ropeTheta,
    tie_word_embeddings: true,
    vocab_size: a.vocab,
  };
}

/** transformers.js creates the empty past with the dtype the graph declares; the exports also state it here. */
const TRANSFORMERS_JS_CONFIG = { 'transformers.js_config': { kv_cache_dtype: { q4f16: 'float16', fp16: 'float16' } } };

export function llmConfig(a: LlmArchitecture, ids: TokenIds): Record<string, unknown> {
  const common = { architectures: [a.architecture], bos_token_id: ids.bos, eos_token_id: ids.eos, model_type: a.modelType, ...dimensions(a), torch_dtype: 'bfloat16', use_cache: true };
  if (a.modelType === 'llama') {
    return { ...common, attention_bias: false, attention_dropout: 0, head_dim: a.headDim, mlp_bias: false, pad_token_id: ids.pad, pretraining_tp: 1, rope_scaling: null, transformers_version: '4.42.3', ...TRANSFORMERS_JS_CONFIG };
  }
  return { ...common, attention_dropout: 0, max_window_layers: 21, sliding_window: a.maxPositions, transformers_version: '4.43.1', use_sliding_window: false, ...TRANSFORMERS_JS_CONFIG };
}

/** The embeddings-in layout: text-only Gemma3ForConditionalGeneration wrapping the same decoder dimensions. */
export function llmEmbedsConfig(a: LlmArchitecture, ids: TokenIds): Record<string, unknown> {
  return {
    architectures: ['Gemma3ForConditionalGeneration'],
    model_type: 'gemma3',
    text_config: { model_type: 'gemma3_text', ...dimensions(a), head_dim: a.headDim, bos_token_id: ids.bos, eos_token_id: ids.eos, pad_token_id: ids.pad },
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
  };
}

export function llmGenerationConfig(a: LlmArchitecture, ids: TokenIds): Record<string, unknown> {
  if (a.modelType === 'llama') return { bos_token_id: ids.bos, eos_token_id: ids.generationEos, pad_token_id: ids.pad, transformers_version: '4.42.3' };
  return {
    bos_token_id: ids.bos,
    pad_token_id: ids.pad,
    do_sample: true,
    eos_token_id: ids.generationEos,
    repetition_penalty: 1.1,
    temperature: 0.7,
    top_p: 0.8,
    top_k: 20,
    transformers_version: '4.37.0',
  };
}
