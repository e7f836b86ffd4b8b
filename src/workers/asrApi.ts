import type { SpeechVectorsResult } from '../conversation/conversation';
import type { TurnAudio } from '../models/asr/transcriber';
import type { TurnLogMel } from '../models/es4r/runtime/frontPlan';
import type { ModelWorkerApi } from './modelApi';
import type { Method } from './protocol';

export type AsrWorkerApi = ModelWorkerApi & {
  /** One turn's audio (and its log-mel, when known) to its transcript; the buffers are transferred. */
  transcribe: Method<TurnAudio, { text: string; timingsMs: Record<string, number> }>;
  /** Opens the pack's ES4R component (front and adapter) beside Whisper, whose encoder it shares. */
  loadSpeechEncoder: Method<{ componentUrl: string }, { whisperDModel: number }>;
  /** ES4R's speech vectors of the dialogue's user turns (oldest first); the log-mels are transferred. */
  encodeSpeech: Method<{ turns: TurnLogMel[]; dualAttention: boolean }, SpeechVectorsResult>;
};
