// Times one answer on the tiny pack in Node, from "end of turn" (the turn's PCM in hand) to the first
// reply token, stage by stage, and the overhead of our engines over calling transformers.js directly
// with the same inputs. Usage: npm run bench:answer [-- <timed runs, default 30>]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, pipeline, TextStreamer, type AutomaticSpeechRecognitionPipeline, type Tensor } from '@huggingface/transformers';
import { recordingLogMel } from '../src/audio/recordingLogMel';
import { measure } from './bench/measure';
import { readWav } from '../src/audio/wav/readWav';
import { transcribe } from '../src/models/asr/transcriber';
import { whisperFamily } from '../src/models/asr/whisperFamily';
import { llmFamily } from '../src/models/llm/llmFamily';
import { ReplyEngine, type ChatMessage } from '../src/models/llm/replyEngine';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
const WARMUP_RUNS = 3;
const TIMED_RUNS = Number(process.argv[2] ?? 30);
const MAX_NEW_TOKENS = 40;
const SYSTEM_PROMPT = 'You are a kind listener.';
const OVERHEAD_TARGET = 0.05;

/** The shared measure() with this script's run counts. */
const measureRuns = (runs: Parameters<typeof measure>[0]) => measure(runs, WARMUP_RUNS, TIMED_RUNS);

const askFor = (heard: string): ChatMessage[] => [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: heard }];

const ms = (value: number) => `${value.toFixed(2).padStart(8)} ms`;
const ratio = (ours: number, direct: number) => {
  const overhead = ours / direct - 1;
  return `${(ours / direct).toFixed(3)}x (${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(1)}%, target <= +${OVERHEAD_TARGET * 100}%)`;
};

async function main(): Promise<void> {
  if (!existsSync(join(MODELS_DIR, 'tiny'))) throw new Error('public/models/tiny is missing: run `npm run make:tiny-pack` first.');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  const pcm16k = readWav(new Uint8Array(readFileSync(join(process.cwd(), 'fixtures', 'speech-16k.wav')))).samples;

  const whisper = await whisperFamily.load('tiny/whisper', 'cpu', 'fp32', () => {});
  const llm = await llmFamily.load('tiny/llm', 'cpu', 'fp32', () => {});
  const asrPipeline = (await pipeline('automatic-speech-recognition', 'tiny/whisper', { device: 'cpu', dtype: 'fp32' })) as AutomaticSpeechRecognitionPipeline;
  const engine = new ReplyEngine(llm);

  const transcript = await transcribe(whisper, { pcm16k });
  const prompt = llm.tokenizer.apply_chat_template(askFor(transcript.text), { add_generation_prompt: true, return_dict: true }) as unknown as { input_ids: Tensor; attention_mask: Tensor };

  const replyOnce = async () => {
    await engine.reset(); // every run answers the same first turn: no cache reuse
    return engine.generate(askFor(transcript.text), { maxNewTokens: MAX_NEW_TOKENS, onToken: () => {} });
  };
  const timed = async (run: () => Promise<unknown>) => {
    const startMs = performance.now();
    await run();
    return { ms: performance.now() - startMs };
  };

  // The listening path computed the turn's log-mel while the user spoke: the page hands it to Whisper.
  const logMel = recordingLogMel(pcm16k, 16_000, 80);

  // End to end, for the stage breakdown.
  const { answer } = await measureRuns({
    answer: async () => {
      const endOfTurnMs = performance.now();
      const heard = await transcribe(whisper, { pcm16k, logMel });
      const asrMs = performance.now() - endOfTurnMs;
      await engine.reset();
      const reply = await engine.generate(askFor(heard.text), { maxNewTokens: MAX_NEW_TOKENS, onToken: () => {} });
      return {
        ...heard.timingsMs,
        asr: asrMs,
        promptBuild: reply.timingsMs.promptBuild,
        prefill: reply.timingsMs.prompt,
        firstToken: reply.timingsMs.firstToken,
        endOfTurnToFirstToken: asrMs + reply.timingsMs.firstToken,
        llm: reply.timingsMs.total,
        tokens: reply.tokens,
        decodeTokensPerS: ((reply.tokens - 1) * 1000) / (reply.timingsMs.total - reply.timingsMs.firstToken),
      };
    },
  });
  // Ours vs direct, ASR and LLM measured apart so the feature extractor's garbage collection does not land on the LLM runs.
  const asr = await measureRuns({
    ours: () => timed(() => transcribe(whisper, { pcm16k })),
    pipeline: () => timed(() => asrPipeline(pcm16k, { language: 'en', task: 'transcribe', return_timestamps: false })),
  });
  const llmRuns = await measureRuns({
    ours: async () => {
      const { timingsMs } = await replyOnce();
      return { ms: timingsMs.total - timingsMs.promptBuild, withTemplate: timingsMs.total };
    },
    generate: () => timed(() => llm.model.generate({ ...prompt, max_new_tokens: MAX_NEW_TOKENS, do_sample: false } as unknown as Parameters<typeof llm.model.generate>[0])),
    // The same call streaming through TextStreamer: separates the cost of streaming from our own code's.
    generateStreamed: () =>
      timed(() => {
        const streamer = new TextStreamer(llm.tokenizer, { skip_prompt: true, skip_special_tokens: true, callback_function: () => {} });
        return llm.model.generate({ ...prompt, max_new_tokens: MAX_NEW_TOKENS, do_sample: false, streamer } as unknown as Parameters<typeof llm.model.generate>[0]);
      }),
  });
  if (!answer || !asr['ours'] || !asr['pipeline'] || !llmRuns['ours'] || !llmRuns['generate'] || !llmRuns['generateStreamed']) throw new Error('a measurement is missing');
  const replyTokens = answer['tokens']!;
  const [oursAsr, directAsr] = [asr['ours']['ms']!, asr['pipeline']['ms']!];
  const [oursLlm, oursLlmWithTemplate] = [llmRuns['ours']['ms']!, llmRuns['ours']['withTemplate']!];
  const [directLlm, directLlmStreamed] = [llmRuns['generate']['ms']!, llmRuns['generateStreamed']['ms']!];

  console.log(`tiny pack, onnxruntime-node CPU, fp32; median of ${TIMED_RUNS} runs after ${WARMUP_RUNS} warm-ups`);
  console.log(`transcript: ${JSON.stringify(transcript.text)}; reply prompt ${prompt.input_ids.dims[1]} tokens\n`);
  console.log('end of turn -> first reply token');
  for (const [label, key] of [
    ['  features (the turn log-mel -> window)', 'features'],
    ['  Whisper encoder', 'encoder'],
    ['  Whisper decoder', 'decoder'],
    ['  ASR total', 'asr'],
    ['  prompt build', 'promptBuild'],
    ['  LLM prefill', 'prefill'],
    ['  LLM first token (from reply start)', 'firstToken'],
    ['  total', 'endOfTurnToFirstToken'],
  ] as const) console.log(`${label.padEnd(38)}${ms(answer[key]!)}`);
  console.log(`LLM decode: ${answer['decodeTokensPerS']!.toFixed(1)} tokens/s; whole reply ${ms(answer['llm']!).trim()}\n`);
  console.log('overhead over transformers.js called directly with the same inputs');
  console.log(`  ASR: transcribe ${ms(oursAsr)} vs pipeline ${ms(directAsr)}: ${ratio(oursAsr, directAsr)}`);
  console.log(`  LLM: ReplyEngine ${ms(oursLlm)} vs model.generate ${ms(directLlm)}: ${ratio(oursLlm, directLlm)}`);
  const perTokenMs = (oursLlm - directLlm) / replyTokens;
  console.log(`       per reply token: ${perTokenMs >= 0 ? '+' : ''}${perTokenMs.toFixed(3)} ms over ${replyTokens} tokens`);
  console.log(`       vs model.generate + TextStreamer ${ms(directLlmStreamed)}: ${ratio(oursLlm, directLlmStreamed)}`);
  console.log(`       ReplyEngine including the chat template ${ms(oursLlmWithTemplate)}: ${ratio(oursLlmWithTemplate, directLlm)}`);

  await asrPipeline.dispose();
  await whisperFamily.dispose(whisper);
  await llmFamily.dispose(llm);
}

await main();
