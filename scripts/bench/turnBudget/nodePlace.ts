// bench:turn in Node: our pipeline and the plain recipe on the same recording and the same pack, turn by turn in
// alternation, so that a shared machine's changing load falls on both alike; every onnxruntime-node session on the
// page's threads per model.
import { whisperFamily } from '../../../src/models/asr/whisperFamily';
import { llmFamily } from '../../../src/models/llm/llmFamily';
import { kokoroFamily } from '../../../src/models/tts/kokoroFamily';
import type { AnswerPath } from '../../../src/conversation/dialogue';
import type { Pack } from '../../../src/models/manifest';
import { loadPackInNode } from '../../cli/loadPackInNode';
import { loadPlainModels } from '../plainRecipe/plainModels';
import { plainTurnsInNode } from '../plainRecipe/plainInNode';
import { MemorySampler } from './memorySampler';
import { PAGE_THREADS_PER_MODEL, useNodeSessionPolicy } from './nodeThreads';
import { oursTurnsInNode } from './oursInNode';
import { webgpuHasShaderF16 } from './webgpuShaderF16';
import { ratioOf, summarize, type PlaceReport } from './placeReport';
import type { TurnAudio } from './turnAudio';
import type { TurnResult } from './turnResult';

export interface NodeBenchOptions {
  pack: string;
  /** The pack's components as the manifest lists them (the plain recipe loads from them). */
  components: Pack['components'];
  device: 'wasm' | 'webgpu';
  answerPath: AnswerPath;
  replyTokens: number;
  /** The page's speculative end of turn in our pipeline (the plain recipe has none). */
  speculate: boolean;
  /** Decoding gives way to the reply's first chunk's synthesis, as in the page. */
  firstChunkPriority: boolean;
  audio: TurnAudio;
  log: (line: string) => void;
}

export async function benchInNode({ pack, components, device, answerPath, replyTokens, speculate, firstChunkPriority, audio, log }: NodeBenchOptions): Promise<PlaceReport> {
  useNodeSessionPolicy({ threads: PAGE_THREADS_PER_MODEL, outputsOnCpu: device === 'webgpu' });
  const runtimeDevice = device === 'webgpu' ? 'webgpu' : 'cpu';
  // As the page reads the adapter's shader-f16: without it (SwiftShader) the float16 dtypes cannot run.
  const shaderF16 = device === 'webgpu' ? await webgpuHasShaderF16() : false;
  if (device === 'webgpu') log(`WebGPU adapter ${shaderF16 ? 'runs' : 'lacks'} shader-f16: the ${shaderF16 ? 'WebGPU' : 'WebGPU without-f16'} dtypes load`);

  let loadStartMs = performance.now();
  const oursSampler = new MemorySampler();
  const models = await loadPackInNode(pack, { withTts: true, withSpeechPath: answerPath === 'speech', device: runtimeDevice, shaderF16 });
  let plainModels: Awaited<ReturnType<typeof loadPlainModels>> | null = null;
  try {
    // The page warms every model up at load (its self-check): so does the bench, or turn 1 would pay for it.
    await whisperFamily.warmUp(models.asr);
    await llmFamily.warmUp(models.llm);
    if (models.speech) await llmFamily.warmUp(models.speech.llm);
    if (models.tts) await kokoroFamily.warmUp(models.tts.bundle);
    const oursLoadMs = performance.now() - loadStartMs;
    log(`ours: models loaded and warmed up in ${oursLoadMs.toFixed(0)} ms`);
    const oursSteps = oursTurnsInNode(models, audio, { answerPath, replyTokens, speculate, firstChunkPriority }, log);
    const ours: TurnResult[] = [];
    const plainTurns: TurnResult[] = [];
    const take = async (steps: AsyncGenerator<TurnResult | null>, into: TurnResult[]): Promise<boolean> => {
      const step = await steps.next();
      if (!step.done && step.value) into.push(step.value);
      return !step.done;
    };
    // Our first turn runs before the plain recipe loads: the one memory peak of ours alone.
    let oursLeft = await take(oursSteps, ours);
    const oursMemory = oursSampler.stop();

    const bothSampler = new MemorySampler();
    loadStartMs = performance.now();
    plainModels = await loadPlainModels(components, runtimeDevice, shaderF16);
    const plainLoadMs = performance.now() - loadStartMs;
    log(`plain recipe: models loaded and warmed up in ${plainLoadMs.toFixed(0)} ms`);
    const plainSteps = plainTurnsInNode(plainModels, audio, replyTokens, log);
    let plainLeft = await take(plainSteps, plainTurns);
    while (oursLeft || plainLeft) {
      if (oursLeft) oursLeft = await take(oursSteps, ours);
      if (plainLeft) plainLeft = await take(plainSteps, plainTurns);
    }
    const bothMemory = bothSampler.stop();
    return nodeReport({ pack, device, answerPath, replyTokens, speculate, shaderF16 }, ours, plainTurns, { ours: oursLoadMs, plain: plainLoadMs }, {
      oursRss: oursMemory.rssMb,
      oursJsHeap: oursMemory.jsHeapMb,
      bothRss: Math.max(oursMemory.rssMb, bothMemory.rssMb),
      bothJsHeap: Math.max(oursMemory.jsHeapMb, bothMemory.jsHeapMb),
    });
  } finally {
    await models.release();
    await plainModels?.release();
  }
}

interface ReportContext {
  pack: string;
  device: 'wasm' | 'webgpu';
  answerPath: AnswerPath;
  replyTokens: number;
  speculate: boolean;
  shaderF16: boolean;
}

function nodeReport(
  { pack, device, answerPath, replyTokens, speculate, shaderF16 }: ReportContext,
  ours: TurnResult[],
  plainTurns: TurnResult[],
  loadMs: Record<string, number>,
  peakMemoryMb: Record<string, number>,
): PlaceReport {
  const summary = summarize(ours);
  const plain = { ...summarize(plainTurns), turns: plainTurns };
  return {
    pack,
    device,
    where: 'node',
    answerPath,
    replyTokens,
    turns: ours,
    ...summary,
    talkToListeningMs: null,
    loadMs,
    peakMemoryMb,
    plain,
    ratioP50: ratioOf(summary, plain),
    notes: [
      `onnxruntime-node ${device === 'webgpu' ? `WebGPU EP (${shaderF16 ? 'with' : 'without'} shader-f16)` : 'CPU EP'} with ${PAGE_THREADS_PER_MODEL} intra-op threads per session, as the page gives each model worker ${PAGE_THREADS_PER_MODEL} wasm threads; Node times first audio when it is synthesized (no playback)`,
      speculate
        ? 'the end-of-turn wait is stream time up to the pause that made the turn tentative (the recording is listened to faster than real time), then wall time while the speculative end of turn runs; the rest wall time'
        : 'the end-of-turn wait is stream time (the recording is listened to faster than real time; no speculative end of turn), the rest wall time',
      'the plain recipe ASR is one pipeline() call: its encoder and decoding are not split (asrOther)',
      'turns alternate, ours then the plain recipe\'s, from our turn 2 on; ours* memory is ours alone (load and turn 1), both* is the process with both loaded',
      ...(device === 'webgpu'
        ? ['the KV cache comes back to the CPU after every step, where the page keeps it on the GPU: onnxruntime-node 1.30 aborts when a GPU output is downloaded (scripts/bench/turnBudget/webgpuDownloadRepro.ts), which the kept cache needs each turn']
        : []),
    ],
  };
}
