import { llmFamily, type LlmBundle } from '../models/llm/llmFamily';
import { ReplyEngine } from '../models/llm/replyEngine';
import { replyToDialogue } from '../models/llm/replyToDialogue';
import type { LlmWorkerApi } from './llmApi';
import { requireModel, serveModelWorker } from './serveModelWorker';

/** One engine per loaded model: it holds the KV cache kept across turns. */
let engine: { bundle: LlmBundle; engine: ReplyEngine } | null = null;

serveModelWorker<LlmBundle, Omit<LlmWorkerApi, 'load'>>(llmFamily, (slot) => ({
  async reply({ dialogue, settings }, context) {
    const bundle = requireModel(slot);
    if (engine?.bundle !== bundle) engine = { bundle, engine: new ReplyEngine(bundle) };
    return replyToDialogue(engine.engine, bundle, dialogue, settings, (textDelta) => context.chunk(textDelta), context.signal);
  },
  async reset() {
    engine?.engine.reset();
    return null;
  },
}));
