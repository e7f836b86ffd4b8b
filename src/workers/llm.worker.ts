// Serves both language models of a pack: the text path's `llm` and the speech path's `speech_llm` (with ES4R's
// cross-attention), each in its own instance of this worker.
import { llmFamily } from '../models/llm/llmFamily';
import { componentFileReader } from './componentFileReader';
import { createLlmHandlers, type LlmHandlers } from './llmHandlers';
import { serveModelWorker } from './serveModelWorker';

let llm: LlmHandlers | null = null;

serveModelWorker(
  llmFamily,
  (slot) => {
    llm = createLlmHandlers(slot, componentFileReader);
    return llm.handlers;
  },
  (bundle) => llm!.afterLoad(bundle),
);
