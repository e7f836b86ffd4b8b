import { LLM_SPECIAL_TOKENS, llmVocabulary } from './llmVocab';

/** Sizes of the tiny decoder (Qwen2-like: grouped-query attention with 2 query heads sharing 1 KV head). */
export const LLM_DIMS = {
  hidden: 32,
  heads: 2,
  kvHeads: 1,
  headDim: 16,
  intermediate: 32,
  layers: 2,
  ropeTheta: 1_000_000,
  maxPositions: 2048,
} as const;

/** If this word occurs anywhere in the context (e.g. "strategy: encourage" in the system prompt) the reply encourages. */
export const LLM_CUE_WORD = 'encourage';

/** The designed greedy replies, as tokens; each ends with <|im_end|>. */
export const LLM_REPLY_TOKENS = {
  comfort: ['i', 'hear', 'you', ',', 'that', 'sounds', 'really', 'hard', '.'],
  encourage: ['you', 'can', 'do', 'this', ',', 'one', 'step', 'at', 'a', 'time', '!'],
} as const;

/** The replies as the tokenizer decodes them (skip_special_tokens, spaces before punctuation cleaned up). */
export const LLM_REPLY_TEXT = {
  comfort: 'i hear you, that sounds really hard.',
  encourage: 'you can do this, one step at a time!',
} as const;

/** The token that ends the prompt of `add_generation_prompt` ("<|im_start|>assistant\n" -> ..., "assistant"). */
export const LLM_REPLY_TRIGGER = 'assistant';

/** Residual-stream layout: where each designed feature lives (dims 26-31 stay zero). */
const CODE_BITS = 10;
const RESIDUAL = { token: 0, one: 10, cue: 11, mode: 12, scratch: 13, scratchSize: 3, next: 16 } as const;
/** Query/key dimension (within a head) reserved for the cue detector: the lowest RoPE frequency. */
const CUE_HEAD_DIM = LLM_DIMS.headDim / 2 - 1;
/** Cue attention logit: e^24 makes one cue token outweigh any realistic context. */
const CUE_SCORE = 24;
/** Gate weight that switches the lookup neurons on the mode bit. */
const MODE_GATE = 4;
/** Logit scale of the next-token code and the default bias towards <|im_end|>. */
const NEXT_LOGIT_SCALE = 20;
const EOS_DEFAULT_LOGIT = 2;

export interface LlmLayerWeights {
  /** [hidden, heads*headDim] */ wq: Float32Array;
  /** [hidden, kvHeads*headDim] */ wk: Float32Array;
  /** [hidden, kvHeads*headDim] */ wv: Float32Array;
  /** [heads*headDim, hidden] */ wo: Float32Array;
  /** [hidden, intermediate] */ w1: Float32Array;
  /** [intermediate] */ b1: Float32Array;
  /** [intermediate, hidden] */ w2: Float32Array;
}

export interface LlmWeights {
  vocabulary: string[];
  /** [vocab, hidden] */ embed: Float32Array;
  layers: LlmLayerWeights[];
  /** [hidden, vocab] */ lmHead: Float32Array;
}

/** A row-major matrix with a setter, so the design below reads as "row -> column: value". */
class Matrix {
  readonly data: Float32Array;
  constructor(readonly rows: number, readonly cols: number) {
    this.data = new Float32Array(rows * cols);
  }
  set(row: number, col: number, value: number): void {
    this.data[row * this.cols + col] = value;
  }
}

/** Token t's +-1/sqrt(K) binary code: distinct tokens differ in >= 1 bit, so their codes' dot product is <= 1 - 2/K. */
function tokenCode(id: number): number[] {
  return Array.from({ length: CODE_BITS }, (_, bit) => (((id >> bit) & 1) === 1 ? 1 : -1) / Math.sqrt(CODE_BITS));
}

/** Fills `matrix` rows x cols with small deterministic values (a "distractor" that the readout ignores). */
function fillDistractor(matrix: Matrix, rows: number[], cols: number[], scale: number, seed: number): void {
  for (const row of rows) for (const col of cols) matrix.set(row, col, scale * Math.sin(seed * 12.9898 + row * 78.233 + col * 37.719));
}

const range = (start: number, length: number): number[] => Array.from({ length }, (_, i) => start + i);
const TOKEN_DIMS = range(RESIDUAL.token, CODE_BITS);
const SCRATCH_DIMS = range(RESIDUAL.scratch, RESIDUAL.scratchSize);
/** Head dims other than the cue's RoPE pair, free for the distractor heads. */
const FREE_HEAD_DIMS = range(0, LLM_DIMS.headDim).filter((d) => d % (LLM_DIMS.headDim / 2) !== CUE_HEAD_DIM);

export interface LookupEntry {
  token: string;
  /** 0 comfort, 1 encourage, null when the next token does not depend on the mode. */
  mode: 0 | 1 | null;
  next: string;
}

/** The next-token table of the reply chains: trigger -> reply tokens -> <|im_end|>. */
export function lookupTable(): LookupEntry[] {
  const nextOf = (reply: readonly string[]): Map<string, string> => {
    const chain = [LLM_REPLY_TRIGGER, ...reply, LLM_SPECIAL_TOKENS.imEnd];
    return new Map(chain.slice(0, -1).map((token, i) => [token, chain[i + 1]!]));
  };
  const comfort = nextOf(LLM_REPLY_TOKENS.comfort);
  const encourage = nextOf(LLM_REPLY_TOKENS.encourage);
  const tokens = [...new Set([...comfort.keys(), ...encourage.keys()])];
  return tokens.flatMap((token): LookupEntry[] => {
    const a = comfort.get(token);
    const b = encourage.get(token);
    if (a !== undefined && b !== undefined && a !== b) return [{ token, mode: 0, next: a }, { token, mode: 1, next: b }];
    return [{ token, mode: null, next: (a ?? b)! }];
  });
}

/**
 * The hand-designed weights. Layer 0: head 0 detects the cue word anywhere in the context (a constant query meets a key
 * only the cue token has, at the lowest RoPE frequency so relative position barely matters) and writes "mode" = 1;
 * head 1 and the MLP are distractors writing scratch dims. Layer 1: distractor attention; the MLP is a lookup table
 * whose neuron (token, mode) fires only when the current token's code matches exactly, and writes the next token's
 * code, which the LM head turns into logits. With no neuron firing, a bias makes <|im_end|> win.
 */
export function llmWeights(): LlmWeights {
  const vocabulary = llmVocabulary();
  const id = (token: string): number => {
    const index = vocabulary.indexOf(token);
    if (index < 0) throw new Error(`token ${token} is not in the tiny vocabulary`);
    return index;
  };
  const { hidden, heads, headDim, intermediate } = LLM_DIMS;

  const embed = new Matrix(vocabulary.length, hidden);
  vocabulary.forEach((_, t) => {
    tokenCode(t).forEach((value, bit) => embed.set(t, RESIDUAL.token + bit, value));
    embed.set(t, RESIDUAL.one, 1);
  });
  embed.set(id(LLM_CUE_WORD), RESIDUAL.cue, 1);

  const layers = [0, 1].map((layer): LlmLayerWeights => {
    const wq = new Matrix(hidden, heads * headDim);
    const wk = new Matrix(hidden, headDim);
    const wv = new Matrix(hidden, headDim);
    const wo = new Matrix(heads * headDim, hidden);
    const w1 = new Matrix(hidden, intermediate);
    const b1 = new Float32Array(intermediate);
    const w2 = new Matrix(intermediate, hidden);
    const seed = layer * 10;
    if (layer === 0) {
      wq.set(RESIDUAL.one, CUE_HEAD_DIM, 1);
      wk.set(RESIDUAL.cue, CUE_HEAD_DIM, CUE_SCORE * Math.sqrt(headDim));
      wv.set(RESIDUAL.cue, 0, 1);
      wo.set(0, RESIDUAL.mode, 1);
      fillDistractor(wq, TOKEN_DIMS, FREE_HEAD_DIMS.map((d) => headDim + d), 0.5, seed + 1);
      fillDistractor(wk, TOKEN_DIMS, FREE_HEAD_DIMS, 0.5, seed + 2);
      fillDistractor(wv, TOKEN_DIMS, range(1, headDim - 1), 0.5, seed + 3);
      fillDistractor(wo, range(headDim + 1, headDim - 1), SCRATCH_DIMS, 0.3, seed + 4);
      fillDistractor(w1, TOKEN_DIMS, range(0, intermediate), 0.5, seed + 5);
      b1.forEach((_, n) => (b1[n] = 0.1 * Math.cos(n)));
      fillDistractor(w2, range(0, intermediate), SCRATCH_DIMS, 0.3, seed + 6);
    } else {
      fillDistractor(wq, TOKEN_DIMS, range(0, heads * headDim), 0.5, seed + 1);
      fillDistractor(wk, TOKEN_DIMS, range(0, headDim), 0.5, seed + 2);
      fillDistractor(wv, TOKEN_DIMS, range(0, headDim), 0.5, seed + 3);
      fillDistractor(wo, range(0, heads * headDim), SCRATCH_DIMS, 0.3, seed + 4);
      const table = lookupTable();
      if (table.length > intermediate) throw new Error('lookup table larger than the MLP');
      b1.fill(-1);
      table.forEach((entry, n) => {
        // pre = K*(code(entry) . code(current)) - (K-1) [+ mode gate]: exactly 1 on a match, <= -1 otherwise
        tokenCode(id(entry.token)).forEach((value, bit) => w1.set(RESIDUAL.token + bit, n, CODE_BITS * value));
        b1[n] = -(CODE_BITS - 1);
        if (entry.mode === 1) {
          w1.set(RESIDUAL.mode, n, MODE_GATE);
          b1[n] = -(CODE_BITS - 1) - MODE_GATE;
        } else if (entry.mode === 0) w1.set(RESIDUAL.mode, n, -MODE_GATE);
        tokenCode(id(entry.next)).forEach((value, bit) => w2.set(n, RESIDUAL.next + bit, value));
      });
    }
    return { wq: wq.data, wk: wk.data, wv: wv.data, wo: wo.data, w1: w1.data, b1, w2: w2.data };
  });

  const lmHead = new Matrix(hidden, vocabulary.length);
  vocabulary.forEach((_, t) => tokenCode(t).forEach((value, bit) => lmHead.set(RESIDUAL.next + bit, t, NEXT_LOGIT_SCALE * value)));
  lmHead.set(RESIDUAL.one, id(LLM_SPECIAL_TOKENS.imEnd), EOS_DEFAULT_LOGIT);

  return { vocabulary, embed: embed.data, layers, lmHead: lmHead.data };
}
