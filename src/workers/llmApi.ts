import type { ReplierResult, ReplySettings, SpeechVectorsResult } from '../conversation/conversation';
import type { Dialogue } from '../conversation/dialogue';
import type { ModelWorkerApi } from './modelApi';
import type { Method } from './protocol';

export type LlmWorkerApi = ModelWorkerApi & {
  /**
   * Answers the dialogue's latest user turn, streaming text deltas as chunks; cancel stops within a step.
   * With `speech`, through ES4R's speech path (the model must take inputs_embeds: a pack's speech_llm).
   */
  reply: Method<{ dialogue: Dialogue; settings: ReplySettings; speech: SpeechVectorsResult | null }, ReplierResult, string>;
  /** Forgets the KV cache kept across turns (a new conversation). */
  reset: Method<null, null>;
  /** Opens the ES4R component's cross-attention beside this (embeddings-in) language model. */
  loadCrossAttention: Method<{ componentUrl: string }, { hidden: number }>;
};
