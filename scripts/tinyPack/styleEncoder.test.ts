import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packHashes } from './packHashes';
import { STYLE_ENCODER_HIDDEN, STYLE_ENCODER_MELS, STYLE_ENCODER_STYLE_DIM, writeTinyStyleEncoder } from './styleEncoder';

const { onnx } = onnxProto;
const FRAMES = 37;

let root: string;
let files: string[];
let session: ort.InferenceSession;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tiny-style-encoder-'));
  files = await writeTinyStyleEncoder(join(root, 'a'));
  session = await ort.InferenceSession.create(join(root, 'a', 'onnx/model.onnx'));
});

afterAll(async () => {
  await session?.release();
  await rm(root, { recursive: true, force: true });
});

/** A log-mel-like input: a spectral tilt plus a slow ripple, offset by `levelShift` (12 dB = ln(10^1.2) / 4 in normalised units). */
function melInput(levelShift: number, tilt: number): Float32Array {
  return Float32Array.from({ length: STYLE_ENCODER_MELS * FRAMES }, (_, i) => {
    const mel = Math.floor(i / FRAMES);
    const frame = i % FRAMES;
    return -1 + levelShift - (tilt * mel) / STYLE_ENCODER_MELS + 0.3 * Math.sin(frame / 3 + mel / 7);
  });
}

async function styleOf(mel: Float32Array, frames = FRAMES): Promise<Float32Array> {
  const { style } = await session.run({ mel: new ort.Tensor('float32', mel, [1, STYLE_ENCODER_MELS, frames]) });
  return style!.data as Float32Array;
}

function initializer(graph: onnxProto.onnx.IGraphProto, name: string): Float32Array {
  const found = graph.initializer!.find((t) => t.name === name)!;
  const raw = found.rawData!;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/** The documented computation in plain JS from the file's own weights: Conv1d(k3, p1) -> ReLU -> time mean -> linear -> tanh. */
function referenceStyle(graph: onnxProto.onnx.IGraphProto, mel: Float32Array): Float64Array {
  const convW = initializer(graph, 'conv.weight');
  const convB = initializer(graph, 'conv.bias');
  const linearW = initializer(graph, 'linear.weight');
  const linearB = initializer(graph, 'linear.bias');
  const pooled = new Float64Array(STYLE_ENCODER_HIDDEN);
  for (let o = 0; o < STYLE_ENCODER_HIDDEN; o++) {
    for (let t = 0; t < FRAMES; t++) {
      let sum = convB[o]!;
      for (let c = 0; c < STYLE_ENCODER_MELS; c++) {
        for (let k = 0; k < 3; k++) {
          const at = t + k - 1;
          if (at >= 0 && at < FRAMES) sum += convW[(o * STYLE_ENCODER_MELS + c) * 3 + k]! * mel[c * FRAMES + at]!;
        }
      }
      pooled[o]! += Math.max(0, sum) / FRAMES;
    }
  }
  return Float64Array.from({ length: STYLE_ENCODER_STYLE_DIM }, (_, j) => {
    let sum = linearB[j]!;
    for (let h = 0; h < STYLE_ENCODER_HIDDEN; h++) sum += pooled[h]! * linearW[h * STYLE_ENCODER_STYLE_DIM + j]!;
    return Math.tanh(sum);
  });
}

const meanAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
};

describe('tiny StyleTTS2 style encoder', () => {
  it('has the contract mel float32 [1, 80, frames] -> style float32 [1, 256] (onnxruntime-node)', () => {
    expect(session.inputNames).toEqual(['mel']);
    expect(session.outputNames).toEqual(['style']);
    const [input] = session.inputMetadata;
    const [output] = session.outputMetadata;
    expect(input).toMatchObject({ name: 'mel', isTensor: true, type: 'float32', shape: [1, 80, 'frames'] });
    expect(output).toMatchObject({ name: 'style', isTensor: true, type: 'float32', shape: [1, 256] });
  });

  it('declares the StyleTTS2 preprocessing in config.json', async () => {
    const config = JSON.parse(await readFile(join(root, 'a', 'config.json'), 'utf8'));
    expect(config.preprocessing).toMatchObject({ sample_rate_hz: 24000, n_fft: 2048, win_length: 1200, hop_length: 300, n_mels: 80, mel_scale: 'htk' });
    expect(files.sort()).toEqual(['config.json', 'onnx/model.onnx']);
  });

  it('computes the documented layers (plain-JS reference, max abs diff < 1e-5)', async () => {
    const graph = onnx.ModelProto.decode(await readFile(join(root, 'a', 'onnx/model.onnx'))).graph!;
    const mel = melInput(0, 1);
    const actual = await styleOf(mel);
    const expected = referenceStyle(graph, mel);
    for (let j = 0; j < STYLE_ENCODER_STYLE_DIM; j++) expect(Math.abs(actual[j]! - expected[j]!)).toBeLessThan(1e-5);
  });

  it('accepts any number of frames, down to one', async () => {
    expect((await styleOf(new Float32Array(STYLE_ENCODER_MELS), 1)).length).toBe(STYLE_ENCODER_STYLE_DIM);
  });

  it('gives a different style for louder and for brighter input (mean abs diff > 0.05)', async () => {
    const base = await styleOf(melInput(0, 1));
    const louder = await styleOf(melInput(Math.log(10 ** 1.2) / 4, 1));
    const brighter = await styleOf(melInput(0, 0));
    expect(meanAbsDiff(base, louder)).toBeGreaterThan(0.05);
    expect(meanAbsDiff(base, brighter)).toBeGreaterThan(0.05);
  });

  it('writes the same bytes every time', async () => {
    await writeTinyStyleEncoder(join(root, 'b'));
    expect(await packHashes(join(root, 'b'), files)).toEqual(await packHashes(join(root, 'a'), files));
  });
});
