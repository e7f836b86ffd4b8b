/** The tiny Whisper vocabulary: Whisper's id layout (text, then specials, then timestamps) over a few words. */

/** The 99 language codes of multilingual Whisper (v1/v2), in token order. */
export const WHISPER_LANGUAGE_CODES = (
  'en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi ' +
  'ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd ' +
  'gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su'
).split(' ');

/** Whole-word tokens (GPT-2 style, leading space as 'Ġ') built by merges on top of the 256 byte tokens. */
const WORDS = [' Hello', ' how', ' are', ' you', ' Thank'] as const;

/** Whisper has 1501 timestamp tokens: 0.00 s to 30.00 s in 20 ms steps. */
const TIMESTAMP_COUNT = 1501;
const TIMESTAMP_STEP_S = 0.02;

/** GPT-2's byte-to-unicode table: printable bytes map to themselves, the rest to U+0100 onwards, in id order. */
function byteLevelAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
  const alphabet: string[] = [];
  for (let b = 0; b < 256; b++) if (printable(b)) alphabet.push(String.fromCharCode(b));
  let shifted = 0;
  for (let b = 0; b < 256; b++) if (!printable(b)) alphabet.push(String.fromCharCode(256 + shifted++));
  return alphabet;
}

/** A word as byte-level symbols; the few words here are ASCII, so each char is one byte. */
export function byteLevelSymbols(word: string): string[] {
  return [...word].map((c) => (c === ' ' ? 'Ġ' : c));
}

export interface TokenizerLayout {
  /** Token strings by id. */
  readonly tokens: string[];
  /** BPE merges as "left right", in priority order. */
  readonly merges: string[];
  /** The special (added) tokens, in id order. */
  readonly specialTokens: string[];
  /** <|0.00|> .. <|30.00|>, in id order after <|notimestamps|>. */
  readonly timestampTokens: string[];
  /** Id of a token given as its vocabulary string ('ĠHello', '<|en|>') or as text (' Hello'). */
  idOf(token: string): number;
}

/** Builds the full id layout; every id is fixed by the order of the lists above. */
export function tokenizerLayout(): TokenizerLayout {
  const tokens = byteLevelAlphabet();
  const merges: string[] = [];
  for (const word of WORDS) {
    const symbols = byteLevelSymbols(word);
    let prefix = symbols[0]!;
    for (const symbol of symbols.slice(1)) {
      merges.push(`${prefix} ${symbol}`);
      prefix += symbol;
      tokens.push(prefix);
    }
  }
  const specialTokens = [
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
  const timestampTokens = Array.from({ length: TIMESTAMP_COUNT }, (_, i) => `<|${(i * TIMESTAMP_STEP_S).toFixed(2)}|>`);
  tokens.push(...specialTokens, ...timestampTokens);
  const ids = new Map(tokens.map((token, id) => [token, id]));
  return {
    tokens,
    merges,
    specialTokens,
    timestampTokens,
    idOf(token) {
      const id = ids.get(token) ?? ids.get(byteLevelSymbols(token).join(''));
      if (id === undefined) throw new Error(`tiny whisper: no token ${JSON.stringify(token)}`);
      return id;
    },
  };
}
