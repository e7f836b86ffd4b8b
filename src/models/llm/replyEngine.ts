import { DynamicCache, InterruptableStoppingCriteria, Tensor, TextStreamer } from '@huggingface/transformers';
import type { LlmBundle } from './llmFamily';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ReplyOptions {
  maxNewTokens: number;
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
  stopReason: StopReason;
  timingsMs: {
    /** Chat template + tokenisation. */
    promptBuild: number;
    /** Prefill: from the generate() call to the first sampled token. */
    prompt: number;
    /** From this call to the first sampled token. */
    firstToken: number;
    total: number;
  };
}

/** The ids the cache holds keys/values for (all but the last: it was sampled, never fed) and the cache itself. */
interface KeptCache {
  ids: number[];
  pastKeyValues: DynamicCache;
}

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

/** transformers.js' forward of a model whose decoder takes inputs_embeds (embed_tokens + decoder_model_merged). */
interface EmbedsForward {
  forward(inputs: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

function ones(length: number): Tensor {
  return new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);
}

/** The decoder's present.* outputs as the cache generate() continues from (transformers.js' own naming). */
function cacheFromOutputs(outputs: Record<string, Tensor>): DynamicCache {
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (name.startsWith('present')) entries[name.replace('present', 'past_key_values')] = tensor;
  }
  if (Object.keys(entries).length === 0) throw new Error('the language model returned no key/value cache (present.*): it cannot continue from embeddings');
  return new DynamicCache(entries);
}

function cancelledBeforeStart(): Reply {
  return { text: '', tokens: 0, promptTokens: 0, stopReason: 'cancelled', timingsMs: { promptBuild: 0, prompt: 0, firstToken: 0, total: 0 } };
}

function startsWith(ids: number[], prefix: number[]): boolean {
  return ids.length >= prefix.length && prefix.every((id, i) => ids[i] === id);
}

/**
 * Greedy chat replies from one causal LM, streamed and cancellable, keeping the KV cache across
 * turns: when a new prompt extends the last prompt + reply, only the new tokens are prefilled.
 */
export class ReplyEngine {
  private kept: KeptCache | null = null;
  private busy = false;
  private readonly eosIds: Set<number>;

  constructor(private readonly bundle: LlmBundle) {
    const eos = (bundle.model.generation_config as { eos_token_id?: number | number[] } | null)?.eos_token_id;
    this.eosIds = new Set(eos === undefined ? [] : Array.isArray(eos) ? eos : [eos]);
  }

  async generate(messages: ChatMessage[], options: ReplyOptions): Promise<Reply> {
    // One generation at a time: the KV cache belongs to a single sequence.
    if (this.busy) throw new Error('ReplyEngine is already generating; cancel the running reply first.');
    this.busy = true;
    try {
      return await this.generateOnce(messages, options);
    } finally {
      this.busy = false;
    }
  }

  /** The prompt's length as generate() would feed it: the chat template rendered and tokenised. */
  promptTokens(messages: readonly ChatMessage[]): number {
    return (this.bundle.tokenizer.apply_chat_template(messages as ChatMessage[], { ...TEMPLATE_OPTIONS, tokenize: true, return_tensor: false, return_dict: false }) as unknown as number[]).length;
  }

  /** Forgets the conversation: the next reply prefills its whole prompt. */
  async reset(): Promise<void> {
    const kept = this.kept;
    this.kept = null;
    await kept?.pastKeyValues.dispose();
  }

  /**
   * A reply to a prompt given as embeddings (ES4R's speech path: text embeddings with speech vectors spliced in).
   * All but the prompt's last position are prefilled from `prefixEmbeds`; the last is the token `lastTokenId`
   * (the end of the chat template's suffix), from which generate() goes on as usual: streamed, cancellable.
   */
  async generateFromEmbeds(prefixEmbeds: Float32Array, hiddenSize: number, lastTokenId: number, options: ReplyOptions): Promise<Reply> {
    if (this.busy) throw new Error('ReplyEngine is already generating; cancel the running reply first.');
    this.busy = true;
    try {
      return await this.generateFromEmbedsOnce(prefixEmbeds, hiddenSize, lastTokenId, options);
    } finally {
      this.busy = false;
    }
  }

  private async generateOnce(messages: ChatMessage[], options: ReplyOptions): Promise<Reply> {
    const startMs = performance.now();
    if (options.signal?.aborted) return cancelledBeforeStart();
    const { tokenizer } = this.bundle;
    const inputs = tokenizer.apply_chat_template(messages, { ...TEMPLATE_OPTIONS, return_dict: true }) as unknown as { input_ids: Tensor; attention_mask: Tensor };
    const promptIds = (inputs.input_ids.tolist() as bigint[][])[0]!.map(Number);
    const pastKeyValues = await this.takeCacheFor(promptIds);
    return this.run(inputs, promptIds.length, pastKeyValues, startMs, options, true);
  }

  private async generateFromEmbedsOnce(prefixEmbeds: Float32Array, hiddenSize: number, lastTokenId: number, options: ReplyOptions): Promise<Reply> {
    const startMs = performance.now();
    if (options.signal?.aborted) return cancelledBeforeStart();
    // The speech vectors differ every turn, so no earlier cache is a prefix of this prompt.
    await this.reset();
    const prefixLength = prefixEmbeds.length / hiddenSize;
    if (!Number.isInteger(prefixLength) || prefixLength < 1) throw new RangeError(`generateFromEmbeds: ${prefixEmbeds.length} values are not whole rows of ${hiddenSize}`);
    const model = this.bundle.model as unknown as EmbedsForward;
    const outputs = await model.forward({
      inputs_embeds: new Tensor('float32', prefixEmbeds, [1, prefixLength, hiddenSize]),
      attention_mask: ones(prefixLength),
      // Only the cache is wanted from the prefill: one row of logits instead of prompt x vocabulary.
      num_logits_to_keep: new Tensor('int64', BigInt64Array.of(1n), []),
    });
    const pastKeyValues = cacheFromOutputs(outputs);
    // The cache covers the prefix, so generate() feeds only the last id; the others are placeholders it skips.
    const ids = new BigInt64Array(prefixLength + 1);
    ids[prefixLength] = BigInt(lastTokenId);
    const inputs = { input_ids: new Tensor('int64', ids, [1, prefixLength + 1]), attention_mask: ones(prefixLength + 1) };
    return this.run(inputs, prefixLength + 1, pastKeyValues, startMs, options, false);
  }

  /** generate() with streaming and cancel; keeps the cache for the next turn when asked. */
  private async run(
    inputs: { input_ids: Tensor; attention_mask: Tensor },
    promptLength: number,
    pastKeyValues: DynamicCache | undefined,
    startMs: number,
    { maxNewTokens, onToken, signal }: ReplyOptions,
    keepCache: boolean,
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
    const generateStartMs = performance.now();
    let output: GenerateOutput;
    try {
      output = (await model.generate({
        ...inputs,
        ...(pastKeyValues ? { past_key_values: pastKeyValues } : {}),
        max_new_tokens: maxNewTokens,
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
      signal?.removeEventListener('abort', interrupt);
    }
    const endMs = performance.now();

    const ids = (output.sequences.tolist() as bigint[][])[0]!.map(Number);
    if (keepCache) this.kept = { ids, pastKeyValues: output.past_key_values };
    else await output.past_key_values.dispose();
    const generated = ids.slice(promptLength);
    const firstMs = firstTokenAtMs ?? endMs;
    return {
      text: tokenizer.decode(generated, { skip_special_tokens: true }),
      tokens: generated.length,
      promptTokens: promptLength,
      stopReason: this.stopReason(generated, stopper.interrupted),
      timingsMs: { promptBuild: generateStartMs - startMs, prompt: firstMs - generateStartMs, firstToken: firstMs - startMs, total: endMs - startMs },
    };
  }

  /** The kept cache if this prompt extends what it holds; otherwise it is disposed. */
  private async takeCacheFor(promptIds: number[]): Promise<DynamicCache | undefined> {
    const kept = this.kept;
    this.kept = null;
    if (!kept) return undefined;
    if (startsWith(promptIds, kept.ids)) return kept.pastKeyValues;
    await kept.pastKeyValues.dispose();
    return undefined;
  }

  private stopReason(generated: number[], interrupted: boolean): StopReason {
    const last = generated.at(-1);
    if (last !== undefined && this.eosIds.has(last)) return 'eos';
    // Besides EOS and the interrupt, generate() stops only on length.
    return interrupted ? 'cancelled' : 'maxTokens';
  }
}
