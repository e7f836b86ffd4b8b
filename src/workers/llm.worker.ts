// Serves both language models of a pack: the text path's `llm` and the speech path's `speech_llm` (with ES4R's
// cross-attention), each in its own instance of this worker.
import { loadCrossAttention } from '../models/es4r/runtime/loadEs4r';
import type { CrossAttention } from '../models/es4r/runtime/crossAttention';
import { llmFamily, type LlmBundle } from '../models/llm/llmFamily';
import { ReplyEngine } from '../models/llm/replyEngine';
import { replyToDialogue } from '../models/llm/replyToDialogue';
import { speechReply } from '../models/llm/speechReply';
import { componentFileReader } from './componentFileReader';
import type { LlmWorkerApi } from './llmApi';
import { requireModel, serveModelWorker } from './serveModelWorker';

/** One engine per loaded model: it holds the KV cache kept across turns. */
let engine: { bundle: LlmBundle; engine: ReplyEngine } | null = null;
let crossAttention: CrossAttention | null = null;

serveModelWorker<LlmBundle, Omit<LlmWorkerApi, 'load'>>(llmFamily, (slot) => ({
  async reply({ dialogue, settings, speech }, context) {
    const bundle = requireModel(slot);
    if (engine?.bundle !== bundle) engine = { bundle, engine: new ReplyEngine(bundle) };
    const onText = (textDelta: string) => context.chunk(textDelta);
    if (!speech) return replyToDialogue(engine.engine, bundle, dialogue, settings, onText, context.signal);
    if (settings.crossAttention && !crossAttention) throw new Error('the ES4R cross-attention is not loaded');
    return speechReply(engine.engine, bundle, settings.crossAttention ? crossAttention : null, dialogue, settings, speech, onText, context.signal);
  },
  async reset() {
    await engine?.engine.reset();
    return null;
  },
  async loadCrossAttention({ componentUrl }) {
    await crossAttention?.release();
    crossAttention = null;
    crossAttention = await loadCrossAttention(componentFileReader(componentUrl));
    return { hidden: crossAttention.hidden };
  },
}));
