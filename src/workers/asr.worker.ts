import { transcribe } from '../models/asr/transcriber';
import { whisperFamily } from '../models/asr/whisperFamily';
import type { AsrWorkerApi } from './asrApi';
import { requireModel, serveModelWorker } from './serveModelWorker';

serveModelWorker<Awaited<ReturnType<typeof whisperFamily.load>>, Omit<AsrWorkerApi, 'load'>>(whisperFamily, (slot) => ({
  async transcribe(audio, context) {
    const transcript = await transcribe(requireModel(slot), audio, { signal: context.signal });
    return { text: transcript.text, timingsMs: transcript.timingsMs };
  },
}));
