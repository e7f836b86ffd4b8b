import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer, StyleTextToSpeech2Model, Tensor, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KOKORO_CONV_IN_CHANNELS, KOKORO_CONV_OUT_CHANNELS, KOKORO_FRAMES_PER_TOKEN, KOKORO_SAMPLES_PER_FRAME, KOKORO_STYLE_DIM } from './kokoroGraph';
import { KOKORO_VOICE_NAMES, KOKORO_VOICE_ROWS } from './kokoroVoices';
import { writeTinyKokoro } from './kokoro';
import { packHashes } from './packHashes';

const { onnx } = onnxProto;
const MODEL_ID = 'kokoro';
/** "hello world!" as misaki/espeak phonemes. */
const PHONEMES = 'həlˈoʊ wˈɜːld!';

let root: string;
let tokenizer: PreTrainedTokenizer;
let model: PreTrainedModel;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tiny-kokoro-'));
  await writeTinyKokoro(join(root, MODEL_ID));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
  model = await StyleTextToSpeech2Model.from_pretrained(MODEL_ID);
});

afterAll(async () => {
  await model?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** The voice row for `phonemeCount` phonemes, as the app picks it. */
async function styleFor(voice: string, phonemeCount: number): Promise<Tensor> {
  const bytes = await readFile(join(root, MODEL_ID, 'voices', `${voice}.bin`));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Tensor('float32', all.slice(phonemeCount * KOKORO_STYLE_DIM, (phonemeCount + 1) * KOKORO_STYLE_DIM), [1, KOKORO_STYLE_DIM]);
}

async function speak(voice: string, speed: number): Promise<Float32Array> {
  const { input_ids: inputIds } = tokenizer(PHONEMES) as { input_ids: Tensor };
  const style = await styleFor(voice, inputIds.dims[1]! - 2);
  const { waveform } = (await model({ input_ids: inputIds, style, speed: new Tensor('float32', [speed], [1]) })) as { waveform: Tensor };
  expect(waveform.type).toBe('float32');
  expect(waveform.dims).toHaveLength(1);
  return waveform.data as Float32Array;
}

describe('tiny Kokoro', () => {
  it('tokenizes phonemes with the real vocabulary, padded with id 0 at both ends', () => {
    const ids = ((tokenizer(PHONEMES) as { input_ids: Tensor }).input_ids.tolist() as bigint[][])[0]!.map(Number);
    expect(ids).toEqual([0, 50, 83, 54, 156, 57, 135, 16, 65, 156, 87, 158, 54, 46, 5, 0]);
  });

  it('has the real I/O contract', async () => {
    const graph = onnx.ModelProto.decode(await readFile(join(root, MODEL_ID, 'onnx/model.onnx'))).graph!;
    const describeValue = (v: onnxProto.onnx.IValueInfoProto) => ({
      name: v.name,
      elemType: v.type!.tensorType!.elemType,
      dims: v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue)),
    });
    const { FLOAT, INT64 } = onnx.TensorProto.DataType;
    expect(graph.input!.map(describeValue)).toEqual([
      { name: 'input_ids', elemType: INT64, dims: [1, 'sequence_length'] },
      { name: 'style', elemType: FLOAT, dims: [1, KOKORO_STYLE_DIM] },
      { name: 'speed', elemType: FLOAT, dims: [1] },
    ]);
    expect(graph.output!.map(describeValue)).toEqual([{ name: 'waveform', elemType: FLOAT, dims: ['num_samples'] }]);
  });

  it('contains a Conv1d with 129 input and 128 output channels on the main path', async () => {
    const graph = onnx.ModelProto.decode(await readFile(join(root, MODEL_ID, 'onnx/model.onnx'))).graph!;
    const weightDims = new Map(graph.initializer!.map((t) => [t.name, t.dims!.map(Number)]));
    const convs = graph.node!.filter((n) => n.opType === 'Conv').map((n) => weightDims.get(n.input![1]!));
    expect(convs).toContainEqual([KOKORO_CONV_OUT_CHANNELS, KOKORO_CONV_IN_CHANNELS, 3]);
  });

  it('makes audio whose length scales with 1/speed (300 samples per frame)', async () => {
    const tokens = PHONEMES.length + 2;
    const lengths = await Promise.all([0.5, 1, 2].map(async (speed) => (await speak('af_heart', speed)).length));
    expect(lengths).toEqual([0.5, 1, 2].map((speed) => Math.round((tokens * KOKORO_FRAMES_PER_TOKEN) / speed) * KOKORO_SAMPLES_PER_FRAME));
    const [slow, normal, fast] = lengths as [number, number, number];
    expect(Math.abs(slow / normal - 2)).toBeLessThan(0.1);
    expect(Math.abs(normal / fast - 2)).toBeLessThan(0.1);
  });

  it('is deterministic, bounded, audible, and depends on the style', async () => {
    const heart = await speak('af_heart', 1);
    expect(await speak('af_heart', 1)).toEqual(heart);
    expect(heart.every((x) => Number.isFinite(x) && Math.abs(x) < 1)).toBe(true);
    const rms = Math.sqrt(heart.reduce((sum, x) => sum + x * x, 0) / heart.length);
    expect(rms).toBeGreaterThan(0.01);
    const michael = await speak('am_michael', 1);
    expect(michael.length).toBe(heart.length);
    expect(Math.max(...michael.map((x, i) => Math.abs(x - heart[i]!)))).toBeGreaterThan(0.01);
  });

  it('ships distinct [510, 1, 256] float32 voices', async () => {
    const voices = await Promise.all(KOKORO_VOICE_NAMES.map((name) => readFile(join(root, MODEL_ID, 'voices', `${name}.bin`))));
    voices.forEach((bytes) => expect(bytes.byteLength).toBe(KOKORO_VOICE_ROWS * KOKORO_STYLE_DIM * 4));
    expect(new Set(voices.map((bytes) => bytes.toString('base64'))).size).toBe(KOKORO_VOICE_NAMES.length);
  });

  it('writes byte-identical files twice', async () => {
    const [a, b] = [join(root, 'again-a'), join(root, 'again-b')];
    const files = await writeTinyKokoro(a);
    await writeTinyKokoro(b);
    expect(await packHashes(a, files)).toEqual(await packHashes(b, files));
  });
});
