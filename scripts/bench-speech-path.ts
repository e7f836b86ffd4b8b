// Times ES4R's speech path around the (frozen, not timed) Whisper encoder, on onnxruntime-web's wasm EP in Node:
//   affect front = per-turn subsampler (ONNX, one run per turn) + dual-level attention up to the pseudo-mel;
//   adapter      = CFormer on Whisper encoder states + cross-attention with a text history.
// Two configurations with random weights: the tiny one and the release's real dimensions (docs/es4r.md, Stages 1-2);
// then the whole speech path on the tiny pack (with its Whisper and LLM) against the text path.
// Usage: npx tsx scripts/bench-speech-path.ts [runs] [threads]   (runs default 15; threads 1 or 2, default 1;
// the real dimensions get min(runs, REAL_MAX_RUNS) timed runs to keep the script well under 2 minutes on 2 cores).
//
// Our decisions, not fixed by docs/es4r.md: subsampler fc1/fc2 hidden width 160 (2 x 80); CFormer FFN width =
// Whisper small's encoder_ffn_dim 3072 (real) / 4 x d (tiny); tiny heads 4 (CFormer d=64) and 4 (LLM H=32).
// The Whisper encoder states fed to the adapter are random activations of the right shape; CIF's token count N
// follows from the random weights (printed), it is not forced.
import * as ort from 'onnxruntime-web';
import { padTurns, type TurnFeatures } from '../src/models/es4r/stage1/padTurns';
import { AFFECT_INPUTS, AFFECT_OUTPUTS, buildAffectAttentionGraph } from './es4r/graphs/stage1/affectAttentionGraph';
import { randomArray, randomAttentionWeights, randomSubsamplerWeights } from './es4r/graphs/stage1/randomWeights';
import { MEL_BINS } from '../src/models/es4r/stage1/stage1Types';
import { buildSubsamplerGraph, SUBSAMPLER_INPUT, SUBSAMPLER_OUTPUT } from './es4r/graphs/stage1/subsamplerGraph';
import { buildCformerModel, buildCrossAttentionModel } from './es4r/graphs/stage2/stage2Graphs';
import { randomActivations, randomCformer, randomCrossAttention, type CformerShape } from './es4r/graphs/stage2/weights';
import { measure } from './bench/measure';
import { benchTinyAnswer } from './bench/tinySpeechAnswer';

const MEL_FRAMES_PER_S = 100;
const TURN_SECONDS = [2, 4, 6];
const HISTORY_TOKENS = 120;
const SUBSAMPLER_HIDDEN = 160;
const WARMUP_RUNS = 5;
const REAL_MAX_RUNS = 15;

interface Config {
  name: string;
  cformer: CformerShape;
  llmHeads: number;
  timedRuns: number;
}

const runsArg = Number(process.argv[2] ?? 15);
const threadsArg = Number(process.argv[3] ?? 1);
if (!Number.isInteger(runsArg) || runsArg < 1) throw new Error(`runs must be a positive integer, got ${process.argv[2]}`);
if (threadsArg !== 1 && threadsArg !== 2) throw new Error(`threads must be 1 or 2, got ${process.argv[3]}`);
ort.env.wasm.numThreads = threadsArg;

const configs: Config[] = [
  {
    name: 'tiny (front 80-d, Whisper d=64, 1+1 CFormer layers x 4 heads, ffn 256, LLM H=32 x 4 heads)',
    cformer: { dModel: 64, heads: 4, ffnDim: 256, preLayers: 1, postLayers: 1, llmHidden: 32 },
    llmHeads: 4,
    timedRuns: runsArg,
  },
  {
    name: 'real (front 80-d, Whisper small d=768, 4+4 CFormer layers x 8 heads, ffn 3072, LLM H=896 x 14 heads)',
    cformer: { dModel: 768, heads: 8, ffnDim: 3072, preLayers: 4, postLayers: 4, llmHidden: 896 },
    llmHeads: 14,
    timedRuns: Math.min(runsArg, REAL_MAX_RUNS),
  },
];

const options: ort.InferenceSession.SessionOptions = { executionProviders: ['wasm'] };
const audioSeconds = TURN_SECONDS.reduce((a, b) => a + b, 0);
const mels = TURN_SECONDS.map((s, i) => ({ frames: s * MEL_FRAMES_PER_S, mel: randomArray(1000 + i, MEL_BINS * s * MEL_FRAMES_PER_S, 2) }));

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

async function benchConfig(config: Config, seed: number): Promise<void> {
  const setupStart = performance.now();
  const subsampler = await ort.InferenceSession.create(buildSubsamplerGraph(randomSubsamplerWeights(seed, SUBSAMPLER_HIDDEN)), options);
  const affect = await ort.InferenceSession.create(buildAffectAttentionGraph(randomAttentionWeights(seed + 1)), options);
  const cformer = await ort.InferenceSession.create(buildCformerModel(randomCformer(seed + 2, config.cformer)), options);
  const cross = await ort.InferenceSession.create(
    buildCrossAttentionModel(randomCrossAttention(seed + 3, config.cformer.llmHidden, config.llmHeads)),
    options,
  );
  const setupMs = performance.now() - setupStart;

  const H = config.cformer.llmHidden;
  const d = config.cformer.dModel;
  const history = new ort.Tensor('float32', randomActivations(seed + 4, HISTORY_TOKENS, H), [1, HISTORY_TOKENS, H]);
  const melTensors = mels.map((m) => new ort.Tensor('float32', m.mel, [1, MEL_BINS, m.frames]));
  let whisperStates: ort.Tensor | undefined;
  const shape = { sequence: 0, whisperFrames: 0, tokens: 0 };

  const runOnce = async (): Promise<Record<string, number>> => {
    const t0 = performance.now();
    const turns: TurnFeatures[] = [];
    for (const mel of melTensors) {
      const out = (await subsampler.run({ [SUBSAMPLER_INPUT]: mel }))[SUBSAMPLER_OUTPUT]!;
      turns.push({ features: out.data as Float32Array, frames: out.dims[1]! });
    }
    const t1 = performance.now();
    const padded = padTurns(turns);
    const affectOut = await affect.run({
      [AFFECT_INPUTS.features]: new ort.Tensor('float32', padded.data, [padded.turns, padded.maxFrames, MEL_BINS]),
      [AFFECT_INPUTS.mask]: new ort.Tensor('bool', Uint8Array.from(padded.mask, (m) => (m ? 1 : 0)), [padded.turns, padded.maxFrames]),
    });
    const pseudoMel = affectOut[AFFECT_OUTPUTS.pseudoMel]!;
    if (pseudoMel.dims[2] !== 3000) throw new Error('unexpected pseudo-mel shape');
    const whisperFrames = Number((affectOut[AFFECT_OUTPUTS.whisperFrames]!.data as BigInt64Array)[0]);
    shape.sequence = affectOut[AFFECT_OUTPUTS.sequence]!.dims[1]!;
    shape.whisperFrames = whisperFrames;
    const t2 = performance.now();
    // (The frozen Whisper encoder runs here on the pseudo-mel; not timed. Its cut output is stood in for.)
    whisperStates ??= new ort.Tensor('float32', randomActivations(seed + 5, whisperFrames, d), [1, whisperFrames, d]);
    const t3 = performance.now();
    const speech = (await cformer.run({ encoder_hidden: whisperStates })).speech_embeds!;
    shape.tokens = speech.dims[1]!;
    const t4 = performance.now();
    const fused = (await cross.run({ speech, history })).fused!;
    if (fused.dims[1] !== speech.dims[1]) throw new Error('unexpected fused shape');
    const t5 = performance.now();
    return {
      subsampler: t1 - t0,
      dualAttention: t2 - t1,
      front: t2 - t0,
      cformer: t4 - t3,
      crossAttention: t5 - t4,
      adapter: t5 - t3,
      total: t2 - t0 + (t5 - t3),
    };
  };

  const medians = (await measure({ [config.name]: runOnce }, WARMUP_RUNS, config.timedRuns))[config.name]!;
  await Promise.all([subsampler.release(), affect.release(), cformer.release(), cross.release()]);

  console.log(`\n== ${config.name}`);
  console.log(
    `   median of ${config.timedRuns} runs after ${WARMUP_RUNS} warm-up${config.timedRuns < runsArg ? ` (reduced from ${runsArg} to keep the script short)` : ''}; ` +
      `graph build + session create ${fmt(setupMs)} ms`,
  );
  console.log(
    `   shapes: affect sequence L=${shape.sequence} (3 turns padded to the longest), Whisper states ${shape.whisperFrames} x ${d}, ` +
      `CIF tokens N=${shape.tokens}, text history ${HISTORY_TOKENS} x ${H}`,
  );
  const rows: [string, string][] = [
    ['subsampler', '  subsampler (3 turns)'],
    ['dualAttention', '  dual-level attention + pseudo-mel'],
    ['front', 'affect front'],
    ['cformer', '  CFormer'],
    ['crossAttention', '  cross-attention'],
    ['adapter', 'adapter'],
    ['total', 'front + adapter'],
  ];
  console.log(`   ${'stage'.padEnd(38)}${'ms/run'.padStart(10)}${'ms per s audio'.padStart(16)}${'RTF'.padStart(10)}`);
  for (const [field, label] of rows) {
    const ms = medians[field]!;
    console.log(`   ${label.padEnd(38)}${fmt(ms).padStart(10)}${fmt(ms / audioSeconds).padStart(16)}${(ms / (audioSeconds * 1000)).toExponential(2).padStart(10)}`);
  }
}

async function main(): Promise<void> {
  console.log(`ES4R speech path (without the Whisper encoder and the LLM), onnxruntime-web ${ort.env.versions.web ?? ''} wasm EP in Node ${process.version}`);
  console.log(`ort.env.wasm.numThreads = ${ort.env.wasm.numThreads}`);
  console.log(
    `dialogue: ${TURN_SECONDS.length} user turns of ${TURN_SECONDS.join(', ')} s = ${audioSeconds} s of audio (mel 80 x ${MEL_FRAMES_PER_S} frames/s); random weights and inputs`,
  );
  console.log('RTF = ms per run / ms of audio (lower is faster; < 1 is faster than real time)');
  let seed = 7;
  for (const config of configs) await benchConfig(config, (seed += 10));
  await benchTinyAnswer(runsArg);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
