import { LLM_DIMS } from './llmDesign';
import { LLM_SPECIAL_TOKENS } from './llmVocab';

/** The decoder's hyper-parameters under the names transformers.js normalises (num_key_value_heads, head_dim, ...). */
export function llmTextConfig(vocabSize: number): Record<string, unknown> {
  return {
    hidden_size: LLM_DIMS.hidden,
    intermediate_size: LLM_DIMS.intermediate,
    num_hidden_layers: LLM_DIMS.layers,
    num_attention_heads: LLM_DIMS.heads,
    num_key_value_heads: LLM_DIMS.kvHeads,
    head_dim: LLM_DIMS.headDim,
    rope_theta: LLM_DIMS.ropeTheta,
    max_position_embeddings: LLM_DIMS.maxPositions,
    vocab_size: vocabSize,
    hidden_act: 'relu',
    tie_word_embeddings: false,
    bos_token_id: null,
    eos_token_id: 2,
    pad_token_id: 0,
  };
}

/** generation_config.json: greedy, stop at <|im_end|> (id 2) or <|endoftext|> (id 0), as Qwen2.5-Instruct lists both. */
export function llmGenerationConfig(vocabulary: string[]): Record<string, unknown> {
  return {
    do_sample: false,
    eos_token_id: [vocabulary.indexOf(LLM_SPECIAL_TOKENS.imEnd), vocabulary.indexOf(LLM_SPECIAL_TOKENS.pad)],
    pad_token_id: vocabulary.indexOf(LLM_SPECIAL_TOKENS.pad),
    max_new_tokens: 64,
  };
}
