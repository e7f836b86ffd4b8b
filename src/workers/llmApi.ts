import type { ReplySettings } from '../conversation/conversation';
import type { Dialogue } from '../conversation/dialogue';
import type { ModelWorkerApi } from './modelApi';
import type { Method } from './protocol';

export type LlmWorkerApi = ModelWorkerApi & {
  /** Answers the dialogue's latest user turn, streaming text deltas as chunks; cancel stops within a step. */
  reply: Method<{ dialogue: Dialogue; settings: ReplySettings }, { text: string; stopReason: 'eos' | 'maxTokens' | 'cancelled'; timingsMs: Record<string, number> }, string>;
  /** Forgets the KV cache kept across turns (a new conversation). */
  reset: Method<null, null>;
};
