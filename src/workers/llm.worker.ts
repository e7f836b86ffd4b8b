// Serves both language models of a pack: the text path's `llm` and the speech path's `speech_llm` (with ES4R's
// cross-attention), each in its own instance of this worker.
import { llmFamily } from '../models/llm/llmFamily';
import { componentFileReader } from './componentFileReader';
import { createLlmHandlers } from './llmHandlers';
import { serveModelWorker } from './serveModelWorker';

serveModelWorker(llmFamily, (slot) => createLlmHandlers(slot, componentFileReader));
