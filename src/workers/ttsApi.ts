import type { VoiceChoice } from '../conversation/voiceStyle';
import type { ModelWorkerApi } from './modelApi';
import type { Method } from './protocol';

export type TtsWorkerApi = ModelWorkerApi & {
  /** One chunk of a reply to 24 kHz audio in the blended voice; `voicesUrl` is the pack's voices/ folder. */
  speak: Method<
    { text: string; voice: VoiceChoice; voicesUrl: string; /** The user's fused style, blended into the voice; null = presets only. */ style: Float32Array | null },
    { audio24k: Float32Array; timingsMs: Record<string, number> }
  >;
  /** Loads the pack's style encoder (its ONNX file's URL). */
  loadStyleEncoder: Method<{ modelUrl: string }, null>;
  /** A user turn's audio to its 256-d style vector. */
  styleOf: Method<{ pcm16k: Float32Array }, Float32Array>;
};
