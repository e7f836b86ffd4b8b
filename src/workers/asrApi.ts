import type { ModelWorkerApi } from './modelApi';
import type { Method } from './protocol';

export type AsrWorkerApi = ModelWorkerApi & {
  /** One turn's 16 kHz audio to its transcript (the buffer is transferred). */
  transcribe: Method<{ pcm16k: Float32Array }, { text: string; timingsMs: Record<string, number> }>;
};
