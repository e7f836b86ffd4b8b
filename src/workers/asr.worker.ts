import { encodeWindow, transcribe } from '../models/asr/transcriber';
import { whisperFamily } from '../models/asr/whisperFamily';
import { loadSpeechEncoder } from '../models/es4r/runtime/loadEs4r';
import type { SpeechEncoder } from '../models/es4r/runtime/speechEncoder';
import { MEL_BINS } from '../models/es4r/stage1/stage1Types';
import type { AsrWorkerApi } from './asrApi';
import { componentFileReader } from './componentFileReader';
import { requireModel, serveModelWorker } from './serveModelWorker';

let speechEncoder: SpeechEncoder | null = null;

serveModelWorker<Awaited<ReturnType<typeof whisperFamily.load>>, Omit<AsrWorkerApi, 'load'>>(whisperFamily, (slot) => ({
  async transcribe(audio, context) {
    const transcript = await transcribe(requireModel(slot), audio, { signal: context.signal });
    return { text: transcript.text, timingsMs: transcript.timingsMs };
  },
  async loadSpeechEncoder({ componentUrl }) {
    await speechEncoder?.release();
    speechEncoder = null;
    speechEncoder = await loadSpeechEncoder(componentFileReader(componentUrl));
    return { whisperDModel: speechEncoder.whisperDModel };
  },
  async encodeSpeech({ turns, dualAttention }) {
    if (!speechEncoder) throw new Error('the ES4R speech encoder is not loaded');
    const whisper = requireModel(slot);
    return speechEncoder.encode(turns, (window) => encodeWindow(whisper, window, MEL_BINS), { dualAttention });
  },
}));
