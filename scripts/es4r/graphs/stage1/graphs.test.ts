// The ONNX graphs, run with onnxruntime-web (wasm, Node), against the TypeScript reference.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { AFFECT_INPUTS, AFFECT_OUTPUTS, buildAffectAttentionGraph } from './affectAttentionGraph';
import { dualLevelAttentionReference, stage1Reference, toPseudoMel } from '../../../../test/references/es4r/stage1/dualLevel.reference';
import { padTurns } from '../../../../src/models/es4r/stage1/padTurns';
import { randomArray, randomAttentionWeights, randomSubsamplerWeights } from './randomWeights';
import { subsampleReference } from '../../../../test/references/es4r/stage1/subsampler.reference';
import { buildSubsamplerGraph, SUBSAMPLER_INPUT, SUBSAMPLER_OUTPUT } from './subsamplerGraph';

/** Max abs difference allowed between ONNX (float32) and the reference (float32 storage, float64 softmax). */
const TOLERANCE = 1e-4;
const E = 80;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const subWeights = randomSubsamplerWeights(101, 96);
const mhaWeights = randomAttentionWeights(202);
// 3 turns of different lengths (mel frames): 37 -> 5, 64 -> 8, 101 -> 13 subsampled frames.
const melFrames = [37, 64, 101];
const mels = melFrames.map((frames, i) => ({ mel: randomArray(300 + i, E * frames, 2), frames }));

let subsampler: ort.InferenceSession;
let affect: ort.InferenceSession;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  subsampler = await ort.InferenceSession.create(buildSubsamplerGraph(subWeights), { executionProviders: ['wasm'] });
  affect = await ort.InferenceSession.create(buildAffectAttentionGraph(mhaWeights), { executionProviders: ['wasm'] });
});

async function runSubsampler(mel: Float32Array, frames: number): Promise<{ features: Float32Array; frames: number }> {
  const out = await subsampler.run({ [SUBSAMPLER_INPUT]: new ort.Tensor('float32', mel, [1, E, frames]) });
  const t = out[SUBSAMPLER_OUTPUT]!;
  expect(t.dims[0]).toBe(1);
  expect(t.dims[2]).toBe(E);
  return { features: t.data as Float32Array, frames: t.dims[1]! };
}

async function runAffect(turns: { features: Float32Array; frames: number }[]) {
  const padded = padTurns(turns);
  const out = await affect.run({
    [AFFECT_INPUTS.features]: new ort.Tensor('float32', padded.data, [padded.turns, padded.maxFrames, E]),
    [AFFECT_INPUTS.mask]: new ort.Tensor('bool', Uint8Array.from(padded.mask, (m) => (m ? 1 : 0)), [padded.turns, padded.maxFrames]),
  });
  return {
    intra: out[AFFECT_OUTPUTS.intra]!,
    sequence: out[AFFECT_OUTPUTS.sequence]!,
    pseudoMel: out[AFFECT_OUTPUTS.pseudoMel]!,
    whisperFrames: out[AFFECT_OUTPUTS.whisperFrames]!,
  };
}

describe('ES4R stage 1 ONNX graphs vs the TypeScript reference', () => {
  it(`subsampler graph matches (max abs <= ${TOLERANCE})`, async () => {
    for (const { mel, frames } of mels) {
      const ref = subsampleReference(mel, frames, subWeights);
      const onnx = await runSubsampler(mel, frames);
      expect(onnx.frames).toBe(ref.frames);
      const diff = maxAbsDiff(onnx.features, ref.features);
      console.log(`subsampler T=${frames}: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it(`affect attention graph matches for 2 and 3 turns (max abs <= ${TOLERANCE})`, async () => {
    const all = mels.map((m) => subsampleReference(m.mel, m.frames, subWeights));
    for (const turns of [all.slice(0, 2), [all[2]!, all[0]!, all[1]!]]) {
      const ref = dualLevelAttentionReference(turns, mhaWeights);
      const onnx = await runAffect(turns);
      expect(onnx.sequence.dims).toEqual([1, ref.length, E]);
      expect(onnx.pseudoMel.dims).toEqual([1, E, 3000]);
      const dIntra = maxAbsDiff(onnx.intra.data as Float32Array, ref.intra);
      const dSeq = maxAbsDiff(onnx.sequence.data as Float32Array, ref.sequence);
      const dMel = maxAbsDiff(onnx.pseudoMel.data as Float32Array, toPseudoMel(ref.sequence, ref.length));
      console.log(`affect ${turns.map((t) => t.frames).join('+')} frames (L=${ref.length}): intra ${dIntra.toExponential(2)}, sequence ${dSeq.toExponential(2)}, pseudo-mel ${dMel.toExponential(2)}`);
      expect(Math.max(dIntra, dSeq, dMel)).toBeLessThanOrEqual(TOLERANCE);
      // The release's cut counts real frames only: (sum of turn lengths - 1) // 2 + 1, the padding excluded.
      const realFrames = turns.reduce((sum, t) => sum + t.frames, 0);
      expect(realFrames).toBeLessThan(ref.length);
      expect(Number((onnx.whisperFrames.data as BigInt64Array)[0])).toBe(Math.floor((realFrames - 1) / 2) + 1);
    }
  });

  it(`whole stage 1 (ONNX subsampler per turn -> ONNX affect attention) matches stage1Reference (max abs <= ${TOLERANCE})`, async () => {
    const ref = stage1Reference(mels, subWeights, mhaWeights);
    const turns = [];
    for (const { mel, frames } of mels) turns.push(await runSubsampler(mel, frames));
    const onnx = await runAffect(turns);
    const diff = maxAbsDiff(onnx.pseudoMel.data as Float32Array, ref.pseudoMel);
    console.log(`stage 1 end to end (L=${ref.length}, whisper frames ${ref.whisperFrames}): max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
  });
});
