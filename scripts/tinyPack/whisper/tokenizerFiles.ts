/** tokenizer.json and tokenizer_config.json in the layout of the real Whisper tokenizers. */
import type { TokenizerLayout } from './tokenizerLayout';

const addedToken = (id: number, content: string, special: boolean) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: !special,
  special,
});

const specialToken = (id: string) => ({ SpecialToken: { id, type_id: 0 } });

export function tokenizerJson(layout: TokenizerLayout): object {
  const added = [
    ...layout.specialTokens.map((token) => addedToken(layout.idOf(token), token, true)),
    // Real Whisper tokenizers list timestamps as added tokens that are not special.
    ...layout.timestampTokens.map((token) => addedToken(layout.idOf(token), token, false)),
  ];
  const textTokenCount = layout.idOf('<|endoftext|>');
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: {
      type: 'TemplateProcessing',
      single: [specialToken('<|startoftranscript|>'), specialToken('<|notimestamps|>'), { Sequence: { id: 'A', type_id: 0 } }, specialToken('<|endoftext|>')],
      pair: [
        specialToken('<|startoftranscript|>'),
        specialToken('<|notimestamps|>'),
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        specialToken('<|endoftext|>'),
      ],
      special_tokens: Object.fromEntries(
        ['<|startoftranscript|>', '<|notimestamps|>', '<|endoftext|>'].map((token) => [token, { id: token, ids: [layout.idOf(token)], tokens: [token] }]),
      ),
    },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(layout.tokens.slice(0, textTokenCount).map((token, id) => [token, id])),
      merges: layout.merges,
    },
  };
}

export function tokenizerConfigJson(layout: TokenizerLayout): object {
  const eot = '<|endoftext|>';
  return {
    add_bos_token: false,
    add_prefix_space: false,
    bos_token: eot,
    eos_token: eot,
    unk_token: eot,
    pad_token: eot,
    clean_up_tokenization_spaces: true,
    errors: 'replace',
    model_max_length: 1024,
    return_attention_mask: false,
    tokenizer_class: 'WhisperTokenizer',
    additional_special_tokens: layout.specialTokens.filter((token) => token !== eot),
    added_tokens_decoder: Object.fromEntries(
      [...layout.specialTokens.map((t) => [t, true] as const), ...layout.timestampTokens.map((t) => [t, false] as const)].map(([token, special]) => {
        const { id, ...rest } = addedToken(layout.idOf(token), token, special);
        return [String(id), rest];
      }),
    ),
  };
}
