// The multilingual Whisper vocabulary at its real size: 50,257 byte-level BPE text tokens (ids 0..50256, the 256
// byte tokens in GPT-2's order, so ' ' is 220 as in the real table), then <|endoftext|> 50257, <|startoftranscript|>
// 50258, the 99 languages, the task and control tokens up to <|notimestamps|> 50363, and 1501 timestamps: 51,865.
// The merges are learned from English text by the LLM writers' trainer, so decoded ids read as English pieces.
import { REPO_ROOT } from '../../models/paths';
import { WHISPER_LANGUAGE_CODES, type TokenizerLayout } from '../../tinyPack/whisper/tokenizerLayout';
import { pieceCounts, trainBpe } from '../llm/bpeTrainer';
import { englishCorpus } from '../llm/englishCorpus';

export const TEXT_TOKENS = 50257;
const TIMESTAMP_COUNT = 1501;
const TIMESTAMP_STEP_S = 0.02;

export const SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|startoftranscript|>',
  ...WHISPER_LANGUAGE_CODES.map((code) => `<|${code}|>`),
  '<|translate|>',
  '<|transcribe|>',
  '<|startoflm|>',
  '<|startofprev|>',
  '<|nocaptions|>',
  '<|notimestamps|>',
];

let cached: TokenizerLayout | null = null;

/** The layout (trained once per process: a few seconds). */
export function scaleTokenizerLayout(): TokenizerLayout {
  if (cached) return cached;
  const bpe = trainBpe(pieceCounts(englishCorpus(REPO_ROOT)), TEXT_TOKENS);
  const timestampTokens = Array.from({ length: TIMESTAMP_COUNT }, (_, i) => `<|${(i * TIMESTAMP_STEP_S).toFixed(2)}|>`);
  const tokens = [...bpe.tokens, ...SPECIAL_TOKENS, ...timestampTokens];
  const ids = new Map(tokens.map((token, id) => [token, id]));
  cached = {
    tokens,
    merges: bpe.merges.map(([left, right]) => `${left} ${right}`),
    specialTokens: SPECIAL_TOKENS,
    timestampTokens,
    idOf(token) {
      const id = ids.get(token) ?? ids.get(token.replaceAll(' ', 'Ġ'));
      if (id === undefined) throw new Error(`scale whisper: no token ${JSON.stringify(token)}`);
      return id;
    },
  };
  return cached;
}
