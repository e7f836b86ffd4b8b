import type { ModelWorkerApi } from './modelApi';
import { loadCrossAttention, type ReadComponentFile } from '../models/es4r/runtime/loadEs4r';
import type { CrossAttention } from '../models/es4r/runtime/crossAttention';
import { DecodeGate } from '../models/llm/decodeGate';
import type { LlmBundle } from '../models/llm/llmFamily';
import { ReplyEngine } from '../models/llm/replyEngine';
import { prefillDialogue, prefillSystemPrompt, replyToDialogue } from '../models/llm/replyToDialogue';
import { speechReply } from '../models/llm/speechReply';
import type { LlmWorkerApi } from './llmApi';
import type { ModelSlot } from './modelHandlers';
import { requireModel } from './requireModel';
import type { FamilyWorker } from './serveModelWorker';

/** Every prompt starts with the system prompt: `afterLoad` readies its cache before the first turn. */
export type LlmHandlers = Required<FamilyWorker<LlmBundle, Omit<LlmWorkerApi, keyof ModelWorkerApi>>>;

/**
 * A language model worker's own methods (the text path's `llm` or the speech path's `speech_llm`): one engine per
 * loaded model holds the KV cache kept across turns. The worker serves them, and Node tests run them in process.
 */
export function createLlmHandlers(slot: ModelSlot<LlmBundle>, readerFor: (componentUrl: string) => ReadComponentFile): LlmHandlers {
  let engine: { bundle: LlmBundle; engine: ReplyEngine } | null = null;
  let crossAttention: CrossAttention | null = null;
  // Decoding gives way while the page synthesizes a reply's first chunk.
  const decodeGate = new DecodeGate();
  const engineFor = (bundle: LlmBundle): ReplyEngine => {
    if (engine?.bundle !== bundle) engine = { bundle, engine: new ReplyEngine(bundle, decodeGate) };
    return engine.engine;
  };
  return {
    handlers: {
      async reply({ dialogue, settings, speech }, context) {
        const bundle = requireModel(slot);
        const onText = (textDelta: string) => context.chunk(textDelta);
        if (!speech) return replyToDialogue(engineFor(bundle), bundle, dialogue, settings, onText, context.signal);
        if (settings.crossAttention && !crossAttention) throw new Error('the ES4R cross-attention is not loaded');
        return speechReply(engineFor(bundle), bundle, settings.crossAttention ? crossAttention : null, dialogue, settings, speech, onText, context.signal);
      },
      async prefill({ dialogue, settings }, context) {
        const bundle = requireModel(slot);
        return prefillDialogue(engineFor(bundle), bundle, dialogue, settings, context.signal);
      },
      async reset() {
        if (!engine) return null;
        await engine.engine.reset();
        await prefillSystemPrompt(engine.engine);
        return null;
      },
      async holdDecoding({ held }) {
        if (held) decodeGate.hold();
        else decodeGate.release();
        return null;
      },
      async loadCrossAttention({ componentUrl }) {
        await crossAttention?.release();
        crossAttention = null;
        crossAttention = await loadCrossAttention(readerFor(componentUrl));
        return { hidden: crossAttention.hidden };
      },
    },
    afterLoad: async (bundle) => {
      await prefillSystemPrompt(engineFor(bundle));
    },
  };
}
