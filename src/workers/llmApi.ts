import type { ReplierResult, ReplySettings, SpeechVectorsResult } from '../conversation/conversation';
import type { Dialogue } from '../conversation/dialogue';
import type { PrefillResult } from '../models/llm/replyEngine';
import type { ModelWorkerApi } from './modelApi';
import type { Method } from './protocol';

export type LlmWorkerApi = ModelWorkerApi & {
  /**
   * Answers the dialogue's latest user turn, streaming text deltas as chunks; cancel stops within a step.
   * With `speech`, through ES4R's speech path (the model must take inputs_embeds: a pack's speech_llm).
   */
  reply: Method<{ dialogue: Dialogue; settings: ReplySettings; speech: SpeechVectorsResult | null }, ReplierResult, string>;
  /**
   * Prefills the text prompt `reply` would read for this dialogue, without replying (null: the turn gets a fixed
   * reply, no prompt). A reply that follows reuses the cache; one to a changed dialogue reuses the common prefix.
   * On a speech_llm it readies the speech path alike: the speech prompt shares the text prompt's start, instruction
   * and text history, so its reply then runs only the speech vectors and the suffix. For a dialogue that ends with a
   * reply: the history up to it, which every next prompt starts with (null when there is none).
   * Cancel stops between chunks of 128 tokens. Calls queue behind each other and behind a running reply.
   */
  prefill: Method<{ dialogue: Dialogue; settings: ReplySettings }, PrefillResult | null>;
  /** Forgets the KV cache kept across turns (a new conversation), all but the system prompt's. */
  reset: Method<null, null>;
  /**
   * Holds the running reply's decoding between steps (held) or lets it go on (not held): the reply's first chunk is
   * being synthesized, and the first audio waits for it alone. Holds nest.
   */
  holdDecoding: Method<{ held: boolean }, null>;
  /** Opens the ES4R component's cross-attention beside this (embeddings-in) language model. */
  loadCrossAttention: Method<{ componentUrl: string }, { hidden: number }>;
};
