import { transcribe } from '../models/asr/transcriber';
import { whisperFamily } from '../models/asr/whisperFamily';
import type { AsrWorkerApi } from './asrApi';
import { requireModel, serveModelWorker } from './serveModelWorker';

serveModelWorker<Awaited<ReturnType<typeof whisperFamily.load>>, Omit<AsrWorkerApi, 'load'>>(whisperFamily, (slot) => ({
  async transcribe({ pcm16k }, context) {
    const transcript = await transcribe(requireModel(slot), pcm16k, { signal: context.signal });
    return { text: transcript.text, timingsMs: transcript.timingsMs };
  },
}));
