import type { VoiceChoice } from '../conversation/voiceStyle';
import type { ModelWorkerApi } from './modelApi';
import type { Method } from './protocol';

export type TtsWorkerApi = ModelWorkerApi & {
  /** One chunk of a reply to 24 kHz audio in the blended voice; `voicesUrl` is the pack's voices/ folder. */
  speak: Method<{ text: string; voice: VoiceChoice; voicesUrl: string }, { audio24k: Float32Array; timingsMs: Record<string, number> }>;
};
