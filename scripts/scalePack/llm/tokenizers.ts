// tokenizer.json and tokenizer_config.json of the two pack LLMs: the real special tokens at their real ids, the real
// pre-tokenizers, normalizers and chat templates, and a byte-level BPE of the real size whose merges are learned
// from English text (englishCorpus.ts), so prompts and replies have realistic token counts.
import { REPO_ROOT } from '../../models/paths';
import { pieceCounts, trainBpe, type BpeVocabulary } from './bpeTrainer';
import { toByteLevel } from './byteLevel';
import { QWEN25_CHAT_TEMPLATE, SMOLLM2_CHAT_TEMPLATE } from './chatTemplates';
import { commonWordCounts } from './commonWords';
import { englishCorpus } from './englishCorpus';

interface SpecialToken {
  content: string;
  /** Qwen2.5 adds the tool and FIM markers as non-special tokens. */
  special: boolean;
}

export interface TokenizerDesign {
  /** Id of the first byte-level token (SmolLM2 puts its 17 specials first). */
  bpeOffset: number;
  /** Byte tokens + merged tokens. */
  bpeTokens: number;
  specialsOffset: number;
  specials: SpecialToken[];
  tokenizerJson: (vocabulary: BpeVocabulary, addedTokens: object[]) => object;
  tokenizerConfig: (addedTokensDecoder: Record<string, object>) => object;
}

const special = (content: string): SpecialToken => ({ content, special: true });
const plain = (content: string): SpecialToken => ({ content, special: false });

const bpeModel = (vocabulary: BpeVocabulary, offset: number, extra: object) => ({
  type: 'BPE',
  dropout: null,
  unk_token: null,
  ...extra,
  fuse_unk: false,
  byte_fallback: false,
  vocab: Object.fromEntries(vocabulary.tokens.map((token, i) => [token, offset + i])),
  merges: vocabulary.merges.map(([left, right]) => `${left} ${right}`),
});

const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean, useRegex: boolean) => ({ type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: useRegex });

export const SMOLLM2_TOKENIZER: TokenizerDesign = {
  bpeOffset: 17,
  bpeTokens: 49_152 - 17,
  specialsOffset: 0,
  specials: [
    '<|endoftext|>', '<|im_start|>', '<|im_end|>', '<repo_name>', '<reponame>', '<file_sep>', '<filename>', '<gh_stars>', '<issue_start>',
    '<issue_comment>', '<issue_closed>', '<jupyter_start>', '<jupyter_text>', '<jupyter_code>', '<jupyter_output>', '<jupyter_script>', '<empty_output>',
  ].map(special),
  tokenizerJson: (vocabulary, addedTokens) => ({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, byteLevel(false, true, true)] },
    post_processor: byteLevel(true, false, true),
    decoder: byteLevel(true, true, true),
    model: bpeModel(vocabulary, 17, { continuing_subword_prefix: null, end_of_word_suffix: null }),
  }),
  tokenizerConfig: (addedTokensDecoder) => ({
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: '<|im_start|>',
    chat_template: SMOLLM2_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    model_max_length: 8192,
    pad_token: '<|im_end|>',
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: '<|endoftext|>',
    vocab_size: 49_152,
  }),
};

const QWEN_SPLIT_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN_VISION_SPECIALS = ['<|object_ref_start|>', '<|object_ref_end|>', '<|box_start|>', '<|box_end|>', '<|quad_start|>', '<|quad_end|>', '<|vision_start|>', '<|vision_end|>', '<|vision_pad|>', '<|image_pad|>', '<|video_pad|>'];

export const QWEN25_TOKENIZER: TokenizerDesign = {
  bpeOffset: 0,
  bpeTokens: 151_643,
  specialsOffset: 151_643,
  specials: [
    ...['<|endoftext|>', '<|im_start|>', '<|im_end|>', ...QWEN_VISION_SPECIALS].map(special),
    ...['<tool_call>', '</tool_call>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>'].map(plain),
  ],
  tokenizerJson: (vocabulary, addedTokens) => ({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'Split', pattern: { Regex: QWEN_SPLIT_PATTERN }, behavior: 'Isolated', invert: false }, byteLevel(false, false, false)],
    },
    post_processor: byteLevel(false, false, false),
    decoder: byteLevel(false, false, false),
    model: bpeModel(vocabulary, 0, { continuing_subword_prefix: '', end_of_word_suffix: '', ignore_merges: false }),
  }),
  tokenizerConfig: (addedTokensDecoder) => ({
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    additional_special_tokens: ['<|im_start|>', '<|im_end|>', ...QWEN_VISION_SPECIALS],
    bos_token: null,
    chat_template: QWEN25_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    model_max_length: 131_072,
    pad_token: '<|endoftext|>',
    split_special_tokens: false,
    tokenizer_class: 'Qwen2Tokenizer',
    unk_token: null,
  }),
};

const trained = new Map<number, BpeVocabulary>();

/** Piece counts of the English corpus plus the everyday words (as byte-level pieces). */
function corpusCounts(): Map<string, number> {
  const counts = pieceCounts(englishCorpus(REPO_ROOT));
  for (const [word, extra] of commonWordCounts()) {
    const piece = toByteLevel(word);
    counts.set(piece, (counts.get(piece) ?? 0) + extra);
  }
  return counts;
}

/** The learned vocabulary of `size` tokens (trained once per process: both writers of a pack share it). */
function bpeVocabulary(size: number): BpeVocabulary {
  let vocabulary = trained.get(size);
  if (!vocabulary) {
    vocabulary = trainBpe(corpusCounts(), size);
    trained.set(size, vocabulary);
  }
  return vocabulary;
}

/** The special token's id in this tokenizer. */
export function specialTokenId(design: TokenizerDesign, content: string): number {
  const index = design.specials.findIndex((token) => token.content === content);
  if (index < 0) throw new Error(`${content} is not a special token of this tokenizer`);
  return design.specialsOffset + index;
}

export function tokenizerFiles(design: TokenizerDesign): { tokenizerJson: object; tokenizerConfig: object; learnedMerges: number } {
  const vocabulary = bpeVocabulary(design.bpeTokens);
  const added = design.specials.map(({ content, special: isSpecial }, i) => ({
    id: design.specialsOffset + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: isSpecial,
  }));
  const decoder = Object.fromEntries(added.map(({ id, ...token }) => [String(id), token]));
  return { tokenizerJson: design.tokenizerJson(vocabulary, added), tokenizerConfig: design.tokenizerConfig(decoder), learnedMerges: vocabulary.learnedMerges };
}
