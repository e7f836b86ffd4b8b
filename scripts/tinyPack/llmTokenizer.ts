import { LLM_SPECIAL_TOKENS } from './llmVocab';

/** ChatML, as Qwen2.5/SmolLM2 instruct use it: one `<|im_start|>role\n...<|im_end|>\n` block per message. */
export const LLM_CHAT_TEMPLATE =
  "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

/** tokenizer.json: lowercased, split on whitespace/punctuation, word-level lookup; specials are added tokens. */
export function llmTokenizerJson(vocabulary: string[]): object {
  const specials = new Set<string>(Object.values(LLM_SPECIAL_TOKENS));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: vocabulary
      .map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }))
      .filter((token) => specials.has(token.content)),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(vocabulary.map((token, id) => [token, id])), unk_token: LLM_SPECIAL_TOKENS.unk },
  };
}

/** tokenizer_config.json: no BOS (as Qwen2), eos = <|im_end|>; decoding joins words and cleans " ," -> ",". */
export function llmTokenizerConfig(): object {
  return {
    add_bos_token: false,
    add_eos_token: false,
    bos_token: null,
    eos_token: LLM_SPECIAL_TOKENS.imEnd,
    pad_token: LLM_SPECIAL_TOKENS.pad,
    unk_token: LLM_SPECIAL_TOKENS.unk,
    additional_special_tokens: [LLM_SPECIAL_TOKENS.imStart, LLM_SPECIAL_TOKENS.imEnd],
    chat_template: LLM_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: true,
    model_max_length: 2048,
    tokenizer_class: 'PreTrainedTokenizer',
  };
}
