import { DynamicCache, InterruptableStoppingCriteria, Tensor, TextStreamer } from '@huggingface/transformers';
import type { DecodeGate } from './decodeGate';
import { endOfTurnIds, forcedReply } from './forcedTokens';
import { commonPrefixLength, cropCache } from './kvCache';
import type { LlmBundle } from './llmFamily';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ReplyOptions {
  maxNewTokens: number;
  /**
   * Benchmarks only: the model writes exactly this text (its tokens forced one per step, the model run in full each
   * step), then ends its turn, within maxNewTokens. Random weights would write noise of any length that does not
   * re-tokenise to itself, which no real reply does.
   */
  forcedText?: string;
  /** Called with each piece of decoded text as soon as whole words are formed (special tokens skipped). */
  onToken(textDelta: string): void;
  signal?: AbortSignal;
}

export type StopReason = 'eos' | 'maxTokens' | 'cancelled';

export interface Reply {
  /** The generated text, special tokens skipped: the concatenation of the onToken deltas. */
  text: string;
  /** Generated tokens, the end-of-turn token included. */
  tokens: number;
  /** Tokens (or embedding rows) the model read before its first generated token. */
  promptTokens: number;
  /** Of those, the ones run through the model for this reply: the rest came from the KV cache of earlier turns or a prefill. */
  prefilledTokens: number;
  stopReason: StopReason;
  timingsMs: {
    /** Chat template + tokenisation. */
    promptBuild: number;
    /** Prefill: from the first forward pass to the first sampled token. */
    prompt: number;
    /** From this call to the first sampled token. */
    firstToken: number;
    total: number;
  };
}

/** A prompt given as embeddings (ES4R's speech path: text embeddings with speech vectors spliced in). */
export interface EmbedsPrompt {
  /** All rows of the prompt but the last, [rows, hiddenSize] row-major. */
  embeds: Float32Array;
  hiddenSize: number;
  /** What each row is, so that later turns can reuse it: its token id, or a negative id for a row that is no token (a speech vector). */
  rowIds: readonly number[];
  /** The prompt's last token (the end of the chat template's suffix): generate() feeds it and goes on from there. */
  lastTokenId: number;
}

export interface PrefillOptions {
  /**
   * True: the messages are the start of later prompts (e.g. the system prompt at load), all of it is prefilled.
   * False (default): they are a whole prompt, assistant header included, of a reply that may follow; all but its
   * last token are prefilled, since generate() must feed one token to sample from.
   */
  asPrefix?: boolean;
  /** Stops between chunks; what was prefilled until then is kept. */
  signal?: AbortSignal;
}

export interface PrefillResult {
  /** The tokens that were to be in the cache. */
  promptTokens: number;
  /** Of those, the ones run through the model now (the rest were already cached). */
  prefilledTokens: number;
  /** Positions the cache holds afterwards (fewer than promptTokens when cancelled). */
  cachedTokens: number;
  cancelled: boolean;
  ms: number;
}

/** The ids the cache holds keys/values for, exactly as many as its positions, and the cache itself. */
interface KeptCache {
  ids: number[];
  pastKeyValues: DynamicCache;
}

/** Tokens per forward pass of prefill(): the granularity of its cancellation. */
const PREFILL_CHUNK_TOKENS = 128;

interface GenerateOutput {
  sequences: Tensor;
  past_key_values: DynamicCache;
}

/** Extra keys reach the Jinja template as variables. */
const TEMPLATE_OPTIONS = {
  add_generation_prompt: true,
  // Models with a thinking mode (Qwen3, SmolLM3) would otherwise think before replying; other templates ignore it.
  enable_thinking: false,
} as const;

/** transformers.js' forward of a causal LM (token ids, or embeddings when its decoder takes inputs_embeds), with or without a cache. */
interface CausalForward {
  forward(inputs: Record<string, Tensor | DynamicCache>): Promise<Record<string, Tensor>>;
}

function ones(length: number): Tensor {
  return new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);
}

function idsTensor(ids: readonly number[]): Tensor {
  return new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
}

/** The decoder's present.* outputs under the names of the cache generate() continues from (transformers.js' own naming). */
function cacheEntries(outputs: Record<string, Tensor>): Record<string, Tensor> {
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (name.startsWith('present')) entries[name.replace('present', 'past_key_values')] = tensor;
    else if (tensor.location === 'gpu-buffer') tensor.dispose();
  }
  if (Object.keys(entries).length === 0) throw new Error('the language model returned no key/value cache (present.*): it cannot continue from a prefill');
  return entries;
}

function cancelledBeforeStart(): Reply {
  return { text: '', tokens: 0, promptTokens: 0, prefilledTokens: 0, stopReason: 'cancelled', timingsMs: { promptBuild: 0, prompt: 0, firstToken: 0, total: 0 } };
}

/**
 * Greedy chat replies from one causal LM, streamed and cancellable, keeping the KV cache across turns: a new
 * prompt reuses it up to the longest common prefix with the last prompt + reply (or prefill), so only the rest
 * is prefilled. One sequence, so one operation at a time: prefills queue, a second reply is refused.
 */
export class ReplyEngine {
  private kept: KeptCache | null = null;
  private generating = false;
  /** The last queued operation; the next one starts when it settles. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly eosIds: Set<number>;

  /** `gate`: each generation step passes it first, so decoding can give way to the first chunk's synthesis. */
  constructor(
    private readonly bundle: LlmBundle,
    private readonly gate: DecodeGate | null = null,
  ) {
    this.eosIds = new Set(endOfTurnIds(bundle.model.generation_config));
  }

  async generate(messages: ChatMessage[], options: ReplyOptions): Promise<Reply> {
    return this.replying(() => this.generateOnce(messages, options));
  }

  /**
   * A reply to a prompt given as embeddings. The rows not already cached (by their ids) are prefilled from
   * `prompt.embeds`; generate() then feeds `lastTokenId` and goes on as usual: streamed, cancellable.
   */
  async generateFromEmbeds(prompt: EmbedsPrompt, options: ReplyOptions): Promise<Reply> {
    return this.replying(() => this.generateFromEmbedsOnce(prompt, options));
  }

  /**
   * Runs the model over a prompt without generating and keeps the cache, so that a later reply whose prompt
   * starts the same prefills only the rest (the system prompt at load; a turn's prompt before the turn is
   * sure to have ended). A later prompt that differs just reuses the common prefix.
   */
  async prefill(messages: readonly ChatMessage[], { asPrefix = false, signal }: PrefillOptions = {}): Promise<PrefillResult> {
    return this.exclusive(() => this.prefillOnce(messages, asPrefix, signal));
  }

  /** The prompt's length as generate() would feed it: the chat template rendered and tokenised. */
  promptTokens(messages: readonly ChatMessage[]): number {
    return this.templateIds(messages, true).length;
  }

  /** Forgets the conversation (after any running operation): the next reply prefills its whole prompt. */
  async reset(): Promise<void> {
    await this.exclusive(async () => {
      const kept = this.kept;
      this.kept = null;
      await kept?.pastKeyValues.dispose();
    });
  }

  /** Runs after the operations queued before it. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async replying(work: () => Promise<Reply>): Promise<Reply> {
    // One reply at a time: a second one would fight over the cache of a single sequence.
    if (this.generating) throw new Error('ReplyEngine is already generating; cancel the running reply first.');
    this.generating = true;
    try {
      return await this.exclusive(work);
    } finally {
      this.generating = false;
    }
  }

  private templateIds(messages: readonly ChatMessage[], addGenerationPrompt: boolean): number[] {
    return this.bundle.tokenizer.apply_chat_template(messages as ChatMessage[], { ...TEMPLATE_OPTIONS, add_generation_prompt: addGenerationPrompt, tokenize: true, return_tensor: false, return_dict: false }) as unknown as number[];
  }

  private async prefillOnce(messages: readonly ChatMessage[], asPrefix: boolean, signal: AbortSignal | undefined): Promise<PrefillResult> {
    const startMs = performance.now();
    const all = this.templateIds(messages, !asPrefix);
    const ids = asPrefix ? all : all.slice(0, -1);
    // Already cached (e.g. the same speculative prompt twice), or cancelled before it began: the cache stays whole.
    const shared = this.kept ? commonPrefixLength(this.kept.ids, ids) : 0;
    if (shared === ids.length || signal?.aborted) {
      return { promptTokens: ids.length, prefilledTokens: 0, cachedTokens: shared, cancelled: shared < ids.length, ms: performance.now() - startMs };
    }
    let { pastKeyValues, cachedTokens } = await this.takeCacheFor(ids, ids.length);
    const reusedTokens = cachedTokens;
    try {
      while (cachedTokens < ids.length && !signal?.aborted) {
        const end = Math.min(ids.length, cachedTokens + PREFILL_CHUNK_TOKENS);
        pastKeyValues = await this.extend(pastKeyValues, cachedTokens, { input_ids: idsTensor(ids.slice(cachedTokens, end)) }, end - cachedTokens);
        cachedTokens = end;
      }
    } catch (error) {
      await pastKeyValues?.dispose();
      throw error;
    }
    if (pastKeyValues) this.kept = { ids: ids.slice(0, cachedTokens), pastKeyValues };
    return { promptTokens: ids.length, prefilledTokens: cachedTokens - reusedTokens, cachedTokens, cancelled: cachedTokens < ids.length, ms: performance.now() - startMs };
  }

  /** One forward pass over `rows` new positions after `pastLength` cached ones; the cache grows by them. */
  private async extend(pastKeyValues: DynamicCache | undefined, pastLength: number, inputs: { input_ids: Tensor } | { inputs_embeds: Tensor }, rows: number): Promise<DynamicCache> {
    const model = this.bundle.model as unknown as CausalForward;
    const outputs = await model.forward({
      ...inputs,
      attention_mask: ones(pastLength + rows),
      ...(pastKeyValues ? { past_key_values: pastKeyValues } : {}),
      // Only the cache is wanted: one row of logits instead of rows x vocabulary.
      num_logits_to_keep: new Tensor('int64', BigInt64Array.of(1n), []),
    });
    const entries = cacheEntries(outputs);
    if (!pastKeyValues) return new DynamicCache(entries);
    pastKeyValues.update(entries);
    return pastKeyValues;
  }

  private async generateOnce(messages: ChatMessage[], options: ReplyOptions): Promise<Reply> {
    const startMs = performance.now();
    if (options.signal?.aborted) return cancelledBeforeStart();
    const promptIds = this.templateIds(messages, true);
    // generate() must feed at least the last token itself.
    const { pastKeyValues, cachedTokens } = await this.takeCacheFor(promptIds, promptIds.length - 1);
    const inputs = { input_ids: idsTensor(promptIds), attention_mask: ones(promptIds.length) };
    return this.run(inputs, promptIds, { pastKeyValues, cachedTokens }, startMs, performance.now(), options);
  }

  private async generateFromEmbedsOnce({ embeds, hiddenSize, rowIds, lastTokenId }: EmbedsPrompt, options: ReplyOptions): Promise<Reply> {
    const startMs = performance.now();
    if (options.signal?.aborted) return cancelledBeforeStart();
    const rows = embeds.length / hiddenSize;
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`generateFromEmbeds: ${embeds.length} values are not whole rows of ${hiddenSize}`);
    if (rowIds.length !== rows) throw new RangeError(`generateFromEmbeds: ${rowIds.length} row ids for ${rows} rows`);
    const promptIds = [...rowIds, lastTokenId];
    let { pastKeyValues, cachedTokens } = await this.takeCacheFor(promptIds, rows);
    const prefillStartMs = performance.now();
    if (cachedTokens < rows) {
      const uncached = embeds.subarray(cachedTokens * hiddenSize);
      try {
        pastKeyValues = await this.extend(pastKeyValues, cachedTokens, { inputs_embeds: new Tensor('float32', uncached, [1, rows - cachedTokens, hiddenSize]) }, rows - cachedTokens);
      } catch (error) {
        await pastKeyValues?.dispose();
        throw error;
      }
    }
    // The cache covers every row, so generate() feeds only the last id; the others are placeholders it skips.
    const ids = new BigInt64Array(rows + 1);
    ids[rows] = BigInt(lastTokenId);
    const inputs = { input_ids: new Tensor('int64', ids, [1, rows + 1]), attention_mask: ones(rows + 1) };
    return this.run(inputs, promptIds, { pastKeyValues, cachedTokens }, startMs, prefillStartMs, options);
  }

  /** generate() with streaming and cancel from a cache of the prompt's first `cachedTokens`; keeps the cache for the next turn. */
  private async run(
    inputs: { input_ids: Tensor; attention_mask: Tensor },
    promptIds: readonly number[],
    { pastKeyValues, cachedTokens }: { pastKeyValues: DynamicCache | undefined; cachedTokens: number },
    startMs: number,
    prefillStartMs: number,
    { maxNewTokens, forcedText, onToken, signal }: ReplyOptions,
  ): Promise<Reply> {
    const { model, tokenizer } = this.bundle;
    const stopper = new InterruptableStoppingCriteria();
    const interrupt = () => stopper.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    let firstTokenAtMs: number | undefined;
    const streamer = new TextStreamer(tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: onToken,
      token_callback_function: () => {
        firstTokenAtMs ??= performance.now();
      },
    });
    let output: GenerateOutput;
    const ungate = this.gateSteps();
    try {
      output = (await model.generate({
        ...inputs,
        ...(pastKeyValues ? { past_key_values: pastKeyValues } : {}),
        max_new_tokens: maxNewTokens,
        ...(forcedText === undefined ? {} : { logits_processor: forcedReply(tokenizer, model.generation_config, forcedText) }),
        do_sample: false,
        streamer,
        stopping_criteria: stopper,
        // Hands back the cache (and keeps generate() from disposing it) for the next turn.
        return_dict_in_generate: true,
      } as unknown as Parameters<typeof model.generate>[0])) as unknown as GenerateOutput;
    } catch (error) {
      // A failed step may leave the cache half-updated: the next turn prefills from scratch.
      await pastKeyValues?.dispose();
      throw error;
    } finally {
      ungate();
      signal?.removeEventListener('abort', interrupt);
    }
    const endMs = performance.now();

    const generated = (output.sequences.tolist() as bigint[][])[0]!.slice(promptIds.length).map(Number);
    // The last sampled token was never fed: the cache ends one short of prompt + reply.
    this.kept = { ids: [...promptIds, ...generated].slice(0, output.past_key_values.get_seq_length()), pastKeyValues: output.past_key_values };
    const firstMs = firstTokenAtMs ?? endMs;
    return {
      text: tokenizer.decode(generated, { skip_special_tokens: true }),
      tokens: generated.length,
      promptTokens: promptIds.length,
      prefilledTokens: promptIds.length - cachedTokens,
      stopReason: this.stopReason(generated, stopper.interrupted),
      timingsMs: { promptBuild: prefillStartMs - startMs, prompt: firstMs - prefillStartMs, firstToken: firstMs - startMs, total: endMs - startMs },
    };
  }

  /** Makes every forward pass of generate() wait for the gate; returns the undo. */
  private gateSteps(): () => void {
    const gate = this.gate;
    if (!gate) return () => undefined;
    const model = this.bundle.model as unknown as CausalForward;
    const own = Object.hasOwn(model, 'forward');
    const forward = model.forward;
    model.forward = async (inputs) => {
      await gate.beforeStep();
      return forward.call(model, inputs);
    };
    return () => {
      if (own) model.forward = forward;
      else delete (model as Partial<CausalForward>).forward;
    };
  }

  /** The kept cache cut to the longest prefix it shares with `promptIds`, at most `maxTokens` long; the rest is disposed. */
  private async takeCacheFor(promptIds: readonly number[], maxTokens: number): Promise<{ pastKeyValues: DynamicCache | undefined; cachedTokens: number }> {
    const kept = this.kept;
    this.kept = null;
    if (!kept) return { pastKeyValues: undefined, cachedTokens: 0 };
    const length = Math.min(commonPrefixLength(kept.ids, promptIds), maxTokens);
    const pastKeyValues = await cropCache(kept.pastKeyValues, length);
    return pastKeyValues ? { pastKeyValues, cachedTokens: length } : { pastKeyValues: undefined, cachedTokens: 0 };
  }

  private stopReason(generated: number[], interrupted: boolean): StopReason {
    const last = generated.at(-1);
    if (last !== undefined && this.eosIds.has(last)) return 'eos';
    // Besides EOS and the interrupt, generate() stops only on length.
    return interrupted ? 'cancelled' : 'maxTokens';
  }
}
