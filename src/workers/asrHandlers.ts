import type { ModelWorkerApi } from './modelApi';
import { encodeWindow, transcribe } from '../models/asr/transcriber';
import type { WhisperBundle } from '../models/asr/whisperFamily';
import { loadSpeechEncoder, type ReadComponentFile } from '../models/es4r/runtime/loadEs4r';
import type { SpeechEncoder } from '../models/es4r/runtime/speechEncoder';
import { MEL_BINS } from '../models/es4r/stage1/stage1Types';
import type { AsrWorkerApi } from './asrApi';
import type { ModelSlot } from './modelHandlers';
import type { Handlers } from './protocol';
import { requireModel } from './requireModel';

/** The ASR worker's own methods over its loaded Whisper: the worker serves them, and Node tests run them in process. */
export function createAsrHandlers(slot: ModelSlot<WhisperBundle>, readerFor: (componentUrl: string) => ReadComponentFile): Handlers<Omit<AsrWorkerApi, keyof ModelWorkerApi>> {
  let speechEncoder: SpeechEncoder | null = null;
  return {
    async transcribe(audio, context) {
      const transcript = await transcribe(requireModel(slot), audio, { signal: context.signal });
      return { text: transcript.text, timingsMs: transcript.timingsMs };
    },
    async loadSpeechEncoder({ componentUrl }) {
      await speechEncoder?.release();
      speechEncoder = null;
      speechEncoder = await loadSpeechEncoder(readerFor(componentUrl));
      return { whisperDModel: speechEncoder.whisperDModel };
    },
    async encodeSpeech({ turns, dualAttention }) {
      if (!speechEncoder) throw new Error('the ES4R speech encoder is not loaded');
      const whisper = requireModel(slot);
      return speechEncoder.encode(turns, (window) => encodeWindow(whisper, window, MEL_BINS), { dualAttention });
    },
  };
}
