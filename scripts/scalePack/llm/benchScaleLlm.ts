// Loads a generated scale LLM through the app's own path (llmFamily.load -> transformers.js -> onnxruntime-node, CPU)
// and prints what it costs: load time, a prefill of N prompt tokens, per-token decode, whether float16 logits stay
// finite, tokens per word of a typical reply, and a two-turn ReplyEngine chat that reuses the KV cache.
// Usage: npx tsx scripts/scalePack/llm/benchScaleLlm.ts scale/SmolLM2-360M-Instruct [q4|q4f16] [--prompt-tokens 300]
import { env, Tensor } from '@huggingface/transformers';
import { llmFamily } from '../../../src/models/llm/llmFamily';
import { ReplyEngine } from '../../../src/models/llm/replyEngine';
import { FIXED_REPLY } from '../../../src/conversation/benchmarkReply';
import { DEFAULT_MODELS_DIR } from '../../models/paths';

const TYPICAL_REPLY =
  "I'm really sorry you're going through this. It sounds like the last few weeks have been exhausting, and it makes sense that you feel overwhelmed. " +
  'Would it help to talk about what has been weighing on you most? We can take it one step at a time.';
const DECODE_STEPS = 20;

const [modelId = 'scale/SmolLM2-360M-Instruct', dtype = 'q4'] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const promptTokensFlag = process.argv.indexOf('--prompt-tokens');
const promptTokens = promptTokensFlag > 0 ? Number(process.argv[promptTokensFlag + 1]) : 300;

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = `${DEFAULT_MODELS_DIR}/`;

const loadStartMs = performance.now();
const bundle = await llmFamily.load(modelId, 'cpu', dtype, () => {});
const loadMs = performance.now() - loadStartMs;
const { model, tokenizer } = bundle;

const replyIds = tokenizer.encode(TYPICAL_REPLY, { add_special_tokens: false });
const words = TYPICAL_REPLY.split(/\s+/).length;

// A prompt of exactly `promptTokens` ids: the typical reply repeated.
const ids = Array.from({ length: promptTokens }, (_, i) => replyIds[i % replyIds.length]!);
const inputIds = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
const mask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);

const forwardStartMs = performance.now();
const { logits } = (await model({ input_ids: inputIds, attention_mask: mask })) as { logits: Tensor };
const forwardMs = performance.now() - forwardStartMs;
const values = logits.type === 'float16' ? (logits.to('float32').data as Float32Array) : (logits.data as Float32Array);
const nonFinite = values.reduce((count, value) => count + (Number.isFinite(value) ? 0 : 1), 0);
let spread = 0;
for (const value of values) spread = Math.max(spread, Math.abs(value));

const stepTimesMs: number[] = [];
let lastMs = performance.now();
const generateStartMs = lastMs;
await model.generate({
  input_ids: inputIds,
  attention_mask: mask,
  max_new_tokens: DECODE_STEPS + 1,
  min_new_tokens: DECODE_STEPS + 1,
  do_sample: false,
  streamer: {
    put: () => {
      const nowMs = performance.now();
      stepTimesMs.push(nowMs - lastMs);
      lastMs = nowMs;
    },
    end: () => {},
  } as never,
});
// The streamer's first put() is the prompt itself; the next is the first generated token (the prefill).
const [, prefillMs = NaN, ...decodeMs] = stepTimesMs;
const decodeMeanMs = decodeMs.reduce((a, b) => a + b, 0) / decodeMs.length;

const engine = new ReplyEngine(bundle);
const chat = [{ role: 'user', content: 'I had a rough day at work and I feel drained.' }];
const first = await engine.generate(chat, { maxNewTokens: 8, forcedText: FIXED_REPLY, onToken: () => {} });
const second = await engine.generate([...chat, { role: 'assistant', content: first.text }, { role: 'user', content: 'Thanks. What could I do tonight?' }], {
  maxNewTokens: 8,
  forcedText: FIXED_REPLY,
  onToken: () => {},
});

console.log(
  JSON.stringify(
    {
      modelId,
      dtype,
      loadMs: Math.round(loadMs),
      typicalReply: { words, tokens: replyIds.length, tokensPerWord: +(replyIds.length / words).toFixed(2) },
      forward: { promptTokens, ms: Math.round(forwardMs), logitsType: logits.type, nonFiniteLogits: nonFinite, maxAbsLogit: +spread.toFixed(2) },
      generate: { prefillMs: Math.round(prefillMs), decodeMsPerToken: +decodeMeanMs.toFixed(1), totalMs: Math.round(performance.now() - generateStartMs) },
      replyEngine: {
        turn1: { promptTokens: first.promptTokens, prefilledTokens: first.prefilledTokens, tokens: first.tokens, prefillMs: Math.round(first.timingsMs.prompt) },
        turn2: { promptTokens: second.promptTokens, prefilledTokens: second.prefilledTokens, tokens: second.tokens, prefillMs: Math.round(second.timingsMs.prompt) },
      },
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
    },
    null,
    2,
  ),
);
await llmFamily.dispose(bundle);
