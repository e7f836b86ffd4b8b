// The ES4R Stage 1-2 graphs on onnxruntime-node's native WebGPU EP (SwiftShader) against the TypeScript
// references (the independent side; src/models/es4r/*/graphs.test.ts checks the same graphs on wasm).
// Question answered: would the page get the same numbers if it ran these graphs on WebGPU instead of wasm?
// Measured here (SwiftShader, generated weights), max abs diff: subsampler 2.4e-6, affect attention 4.8e-7,
// encoder layers 8.3e-7, CIF 2.4e-5 (N equal in every case), CFormer tiny 7.8e-6 / mid-size 5.5e-6 (N equal),
// cross-attention 1.3e-6. Every heavy op ran on WebGPU; onnxruntime kept the int64 shape arithmetic and CIF's
// Round on the CPU EP. No ES4R graph hits the Conv shapes the EP miscomputes (convShapes.test.ts).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../scripts/tinyPack/seededRandom';
import { TINY_ES4R_DIMS as TINY } from '../scripts/tinyPack/es4r';
import { SUBSAMPLER_HIDDEN } from '../scripts/es4r/checkpoint/releaseNames';
import { AFFECT_INPUTS, AFFECT_OUTPUTS, buildAffectAttentionGraph } from '../scripts/es4r/graphs/stage1/affectAttentionGraph';
import { dualLevelAttentionReference, toPseudoMel } from '../test/references/es4r/stage1/dualLevel.reference';
import { padTurns } from '../src/models/es4r/stage1/padTurns';
import { randomArray, randomAttentionWeights, randomSubsamplerWeights } from '../scripts/es4r/graphs/stage1/randomWeights';
import { MEL_BINS } from '../src/models/es4r/stage1/stage1Types';
import { subsampleReference } from '../test/references/es4r/stage1/subsampler.reference';
import { buildSubsamplerGraph, SUBSAMPLER_INPUT, SUBSAMPLER_OUTPUT } from '../scripts/es4r/graphs/stage1/subsamplerGraph';
import { cformerReference } from '../test/references/es4r/stage2/cformer.reference';
import { cifCases } from '../test/references/es4r/stage2/cifCases.reference';
import { cifReference } from '../test/references/es4r/stage2/cif.reference';
import { crossAttentionReference } from '../test/references/es4r/stage2/crossAttention.reference';
import { encoderLayersReference } from '../test/references/es4r/stage2/encoderLayer.reference';
import { matrix, type Matrix } from '../test/references/es4r/stage2/math.reference';
import { buildCformerModel, buildCifModel, buildCrossAttentionModel, buildEncoderLayersModel } from '../scripts/es4r/graphs/stage2/stage2Graphs';
import { randomActivations, randomCformer, randomCrossAttention, randomEncoderLayer, type CformerShape } from '../scripts/es4r/graphs/stage2/weights';

/** Max abs difference allowed between WebGPU (float32, GPU reduction order) and the references. */
const TOLERANCE = 1e-3;

type Feeds = Record<string, ort.Tensor>;

interface WebGpuRun {
  results: Record<string, ort.Tensor>[];
  /** Op types by the EP that ran them, from onnxruntime's profile. */
  opsByProvider: Map<string, Set<string>>;
}

/** Ops that carry the arithmetic: if one of these ran on the CPU EP, the run would not test WebGPU. */
const HEAVY_OPS = ['Conv', 'MatMul', 'Softmax', 'LayerNormalization', 'Erf', 'CumSum'];
const WEBGPU_EP = 'WebGpuExecutionProvider';

/** One WebGPU session over all `feedsList`, profiled so the test can tell which EP ran each op. */
async function runOnWebGpu(model: Uint8Array, feedsList: Feeds[]): Promise<WebGpuRun> {
  const profileDir = await mkdtemp(join(tmpdir(), 'es4r-webgpu-'));
  try {
    const session = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'], enableProfiling: true, profileFilePrefix: join(profileDir, 'profile') });
    const results = [];
    try {
      for (const feeds of feedsList) results.push((await session.run(feeds)) as Record<string, ort.Tensor>);
    } finally {
      await session.release(); // writes the profile
    }
    const opsByProvider = new Map<string, Set<string>>();
    for (const file of await readdir(profileDir)) {
      const events = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as { cat?: string; args?: { op_name?: string; provider?: string } }[];
      for (const { cat, args } of events) {
        if (cat !== 'Node' || !args?.provider || !args.op_name) continue;
        const ops = opsByProvider.get(args.provider) ?? new Set<string>();
        opsByProvider.set(args.provider, ops.add(args.op_name));
      }
    }
    return { results, opsByProvider };
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}

/** Asserts that every heavy op ran on WebGPU (some ran at all) and says which small ops onnxruntime kept on the CPU. */
function expectComputedOnWebGpu(label: string, { opsByProvider }: WebGpuRun): void {
  const onGpu = opsByProvider.get(WEBGPU_EP) ?? new Set<string>();
  const elsewhere = [...opsByProvider].filter(([provider]) => provider !== WEBGPU_EP).flatMap(([provider, ops]) => [...ops].map((op) => `${op}@${provider}`));
  console.log(`${label}: on WebGPU ${[...onGpu].join(',')}; elsewhere ${elsewhere.join(',') || 'none'}`);
  expect([...onGpu].filter((op) => HEAVY_OPS.includes(op)).length).toBeGreaterThan(0);
  expect(elsewhere.filter((entry) => HEAVY_OPS.includes(entry.split('@')[0]!))).toEqual([]);
}

function output(result: Record<string, ort.Tensor>, name: string): ort.Tensor {
  const tensor = result[name];
  if (!tensor) throw new Error(`graph output ${name} missing`);
  return tensor;
}

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}

const asBatch = (m: Matrix) => new ort.Tensor('float32', m.data, [1, m.rows, m.cols]);

function matrixDiff(actual: ort.Tensor, expected: Matrix): number {
  expect(actual.dims).toEqual([1, expected.rows, expected.cols]);
  return maxAbsDiff(actual.data as Float32Array, expected.data);
}

const int64Scalar = (t: ort.Tensor) => Number((t.data as BigInt64Array)[0]);

// Stage 1: 3 turns of 2.0, 0.9 and 1.5 s of log-mel -> 25, 12 and 19 subsampled frames (the longest sets the padding).
const subWeights = randomSubsamplerWeights(101, SUBSAMPLER_HIDDEN);
const mhaWeights = randomAttentionWeights(202);
const MEL_FRAMES = [200, 90, 150];
const mels = MEL_FRAMES.map((frames, i) => ({ mel: randomArray(300 + i, MEL_BINS * frames, 2), frames }));

describe('ES4R stage 1 graphs on the WebGPU EP vs the TypeScript reference', () => {
  it(`subsampler (3 turns, one run each) within max abs ${TOLERANCE}`, async () => {
    const run = await runOnWebGpu(
      buildSubsamplerGraph(subWeights),
      mels.map(({ mel, frames }) => ({ [SUBSAMPLER_INPUT]: new ort.Tensor('float32', mel, [1, MEL_BINS, frames]) })),
    );
    expectComputedOnWebGpu('subsampler', run);
    run.results.forEach((result, i) => {
      const { mel, frames } = mels[i]!;
      const ref = subsampleReference(mel, frames, subWeights);
      const features = output(result, SUBSAMPLER_OUTPUT);
      expect(features.dims).toEqual([1, ref.frames, MEL_BINS]);
      const diff = maxAbsDiff(features.data as Float32Array, ref.features);
      console.log(`webgpu subsampler T=${frames} -> ${ref.frames}: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it(`affect attention over 3 padded turns of different lengths within max abs ${TOLERANCE}`, async () => {
    const turns = mels.map(({ mel, frames }) => subsampleReference(mel, frames, subWeights));
    const padded = padTurns(turns);
    const run = await runOnWebGpu(buildAffectAttentionGraph(mhaWeights), [
      {
        [AFFECT_INPUTS.features]: new ort.Tensor('float32', padded.data, [padded.turns, padded.maxFrames, MEL_BINS]),
        [AFFECT_INPUTS.mask]: new ort.Tensor('bool', Uint8Array.from(padded.mask, (m) => (m ? 1 : 0)), [padded.turns, padded.maxFrames]),
      },
    ]);
    expectComputedOnWebGpu('affect attention', run);
    const result = run.results[0]!;
    const ref = dualLevelAttentionReference(turns, mhaWeights);
    const sequence = output(result, AFFECT_OUTPUTS.sequence);
    expect(sequence.dims).toEqual([1, ref.length, MEL_BINS]);
    const dIntra = maxAbsDiff(output(result, AFFECT_OUTPUTS.intra).data as Float32Array, ref.intra);
    const dSeq = maxAbsDiff(sequence.data as Float32Array, ref.sequence);
    const dMel = maxAbsDiff(output(result, AFFECT_OUTPUTS.pseudoMel).data as Float32Array, toPseudoMel(ref.sequence, ref.length));
    console.log(`webgpu affect ${turns.map((t) => t.frames).join('+')} frames (L=${ref.length}): intra ${dIntra.toExponential(2)}, sequence ${dSeq.toExponential(2)}, pseudo-mel ${dMel.toExponential(2)}`);
    expect(Math.max(dIntra, dSeq, dMel)).toBeLessThanOrEqual(TOLERANCE);
    expect(int64Scalar(output(result, AFFECT_OUTPUTS.whisperFrames))).toBe(Math.floor((padded.realFrames - 1) / 2) + 1);
  });
});

describe('ES4R stage 2 graphs on the WebGPU EP vs the TypeScript reference', () => {
  it(`Whisper-style encoder layers (d 128, 8 heads) within max abs ${TOLERANCE}`, async () => {
    const random = seededRandom(21);
    const layers = [randomEncoderLayer(random, 128, 8, 512), randomEncoderLayer(random, 128, 8, 512)];
    const inputs = [1, 42].map((frames) => matrix(frames, 128, randomActivations(100 + frames, frames, 128, 2)));
    const run = await runOnWebGpu(buildEncoderLayersModel(layers), inputs.map((x) => ({ hidden: asBatch(x) })));
    expectComputedOnWebGpu('encoder layers', run);
    run.results.forEach((result, i) => {
      const x = inputs[i]!;
      const diff = matrixDiff(output(result, 'hidden_out'), encoderLayersReference(x, layers));
      console.log(`webgpu encoder layers T=${x.rows}: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it(`CIF: exactly the reference's token count, fired vectors within max abs ${TOLERANCE}`, async () => {
    const d = 65;
    const cases = cifCases(d, [1, 7, 57]);
    const run = await runOnWebGpu(buildCifModel(d), cases.map(([, x]) => ({ hidden: asBatch(x) })));
    expectComputedOnWebGpu('CIF', run);
    run.results.forEach((result, i) => {
      const [label, x] = cases[i]!;
      const ref = cifReference(x);
      expect(int64Scalar(output(result, 'token_count'))).toBe(ref.tokenCount);
      const dAlphas = maxAbsDiff(output(result, 'alphas').data as Float32Array, ref.alphas);
      const dFired = matrixDiff(output(result, 'fired'), ref.fired);
      console.log(`webgpu CIF ${label}: N=${ref.tokenCount}, alphas ${dAlphas.toExponential(2)}, fired ${dFired.toExponential(2)}`);
      expect(Math.max(dAlphas, dFired)).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  // The tiny pack's dims, and a mid-size one (Whisper-tiny width, Qwen2.5-0.5B hidden size, the release's 4+4 layers).
  const CFORMERS: [string, CformerShape, number[]][] = [
    ['tiny', { dModel: TINY.dModel, heads: TINY.cformerHeads, ffnDim: TINY.ffnDim, preLayers: TINY.preLayers, postLayers: TINY.postLayers, llmHidden: TINY.llmHidden }, [3, 57]],
    ['mid-size', { dModel: 384, heads: 8, ffnDim: 1536, preLayers: 4, postLayers: 4, llmHidden: 896 }, [57]],
  ];
  it.each(CFORMERS)(`CFormer adapter, %s: exactly the reference's N, speech vectors within max abs ${TOLERANCE}`, async (label, shape, frameCounts) => {
    const w = randomCformer(5, shape);
    const inputs = frameCounts.map((frames) => matrix(frames, shape.dModel, randomActivations(300 + frames, frames, shape.dModel, 2)));
    const run = await runOnWebGpu(buildCformerModel(w), inputs.map((x) => ({ encoder_hidden: asBatch(x) })));
    expectComputedOnWebGpu(`CFormer ${label}`, run);
    run.results.forEach((result, i) => {
      const x = inputs[i]!;
      const ref = cformerReference(x, w);
      expect(int64Scalar(output(result, 'token_count'))).toBe(ref.tokenCount);
      const diff = matrixDiff(output(result, 'speech_embeds'), ref.speech);
      console.log(`webgpu CFormer ${label} T=${x.rows}: N=${ref.tokenCount}, max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it(`cross-attention (speech queries over the text history) within max abs ${TOLERANCE}`, async () => {
    for (const [embed, heads] of [
      [32, 2],
      [896, 14],
    ] as const) {
      const w = randomCrossAttention(embed, embed, heads);
      const sizes = [
        [1, 1],
        [14, 37],
      ] as const;
      const inputs = sizes.map(([n, s]) => ({
        speech: matrix(n, embed, randomActivations(n * 31 + s, n, embed, 2)),
        history: matrix(s, embed, randomActivations(s * 17 + n, s, embed, 2)),
      }));
      const run = await runOnWebGpu(buildCrossAttentionModel(w), inputs.map(({ speech, history }) => ({ speech: asBatch(speech), history: asBatch(history) })));
      expectComputedOnWebGpu(`cross-attention E=${embed}`, run);
      run.results.forEach((result, i) => {
        const { speech, history } = inputs[i]!;
        const diff = matrixDiff(output(result, 'fused'), crossAttentionReference(speech, history, w));
        console.log(`webgpu cross-attention E=${embed} heads=${heads} N=${speech.rows} S=${history.rows}: max abs diff ${diff.toExponential(2)}`);
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  });
});
