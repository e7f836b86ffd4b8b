// ONNX graphs (onnxruntime-web, wasm, Node) vs the TypeScript references on seeded random inputs.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tinyPack/seededRandom';
import { cformerReference } from '../../../../test/references/es4r/stage2/cformer.reference';
import { cifCases } from '../../../../test/references/es4r/stage2/cifCases.reference';
import { cifReference } from '../../../../test/references/es4r/stage2/cif.reference';
import { crossAttentionReference } from '../../../../test/references/es4r/stage2/crossAttention.reference';
import { encoderLayersReference } from '../../../../test/references/es4r/stage2/encoderLayer.reference';
import { matrix, type Matrix } from '../../../../test/references/es4r/stage2/math.reference';
import { buildCformerModel, buildCifModel, buildCrossAttentionModel, buildEncoderLayersModel } from './stage2Graphs';
import { randomActivations, randomCformer, randomCrossAttention, randomEncoderLayer } from './weights';

ort.env.wasm.numThreads = 1;

const TOLERANCE = 1e-4;

async function run(bytes: Uint8Array, feeds: Record<string, Matrix>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, m] of Object.entries(feeds)) inputs[name] = new ort.Tensor('float32', m.data, [1, m.rows, m.cols]);
    return await session.run(inputs);
  } finally {
    await session.release();
  }
}

function maxAbsDiff(actual: ort.Tensor | undefined, expected: Matrix): number {
  if (!actual) throw new Error('missing output');
  expect(actual.dims).toEqual([1, expected.rows, expected.cols]);
  const data = actual.data as Float32Array;
  let max = 0;
  for (let i = 0; i < expected.data.length; i++) max = Math.max(max, Math.abs(data[i]! - expected.data[i]!));
  return max;
}

describe('ES4R stage 2 ONNX graphs vs the TypeScript reference', () => {
  it(`Whisper-style encoder layers match (8 heads, max abs <= ${TOLERANCE})`, async () => {
    const random = seededRandom(21);
    const layers = [randomEncoderLayer(random, 32, 8, 64), randomEncoderLayer(random, 32, 8, 64)];
    const bytes = buildEncoderLayersModel(layers);
    for (const frames of [1, 13]) {
      const x = matrix(frames, 32, randomActivations(100 + frames, frames, 32, 2));
      const out = await run(bytes, { hidden: x });
      const diff = maxAbsDiff(out.hidden_out, encoderLayersReference(x, layers));
      console.log(`encoder layers T=${frames}: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it(`CIF graph matches the sequential reference (same N, max abs <= ${TOLERANCE})`, async () => {
    const d = 9;
    const bytes = buildCifModel(d);
    const cases = cifCases(d, [1, 2, 7, 40]);
    for (const [label, x] of cases) {
      const out = await run(bytes, { hidden: x });
      const ref = cifReference(x);
      expect(Number(out.token_count!.data[0])).toBe(ref.tokenCount);
      const diff = maxAbsDiff(out.fired, ref.fired);
      console.log(`CIF ${label}: N=${ref.tokenCount}, max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it(`CFormer adapter graph (4 layers, CIF, 4 layers, projection) matches (max abs <= ${TOLERANCE})`, async () => {
    const w = randomCformer(5, { dModel: 32, heads: 8, ffnDim: 64, preLayers: 4, postLayers: 4, llmHidden: 48 });
    const bytes = buildCformerModel(w);
    for (const frames of [3, 25]) {
      const x = matrix(frames, 32, randomActivations(300 + frames, frames, 32, 2));
      const out = await run(bytes, { encoder_hidden: x });
      const ref = cformerReference(x, w);
      expect(Number(out.token_count!.data[0])).toBe(ref.tokenCount);
      const diff = maxAbsDiff(out.speech_embeds, ref.speech);
      console.log(`CFormer T=${frames}: N=${ref.tokenCount}, max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it(`cross-attention graph matches nn.MultiheadAttention maths (max abs <= ${TOLERANCE})`, async () => {
    for (const [embed, heads] of [
      [2, 1],
      [48, 8],
    ] as const) {
      const w = randomCrossAttention(embed, embed, heads);
      const bytes = buildCrossAttentionModel(w);
      for (const [n, s] of [
        [1, 1],
        [6, 11],
      ] as const) {
        const speech = matrix(n, embed, randomActivations(n * 31 + s, n, embed, 2));
        const history = matrix(s, embed, randomActivations(s * 17 + n, s, embed, 2));
        const out = await run(bytes, { speech, history });
        const diff = maxAbsDiff(out.fused, crossAttentionReference(speech, history, w));
        console.log(`cross-attention E=${embed} heads=${heads} N=${n} S=${s}: max abs diff ${diff.toExponential(2)}`);
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
      }
    }
  });
});
