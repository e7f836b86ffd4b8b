import type { TurnAudio } from '../models/asr/transcriber';
import type { ModelWorkerApi } from './modelApi';
import type { Method } from './protocol';

export type AsrWorkerApi = ModelWorkerApi & {
  /** One turn's audio (and its log-mel, when known) to its transcript; the buffers are transferred. */
  transcribe: Method<TurnAudio, { text: string; timingsMs: Record<string, number> }>;
};
