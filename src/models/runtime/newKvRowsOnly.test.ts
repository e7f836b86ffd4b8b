// A causal LM rewritten to hand back only its cache's new rows, behind a session that appends them: onnxruntime runs
// the original graph too, and the wrapped session must answer exactly as it does, run after run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearModel } from '../../../test/support/onnxModels';
import { keepNewKvRowsOnly, withWholeKvCache } from './newKvRowsOnly';

const { onnx } = onnxProto;
const MODELS = join(import.meta.dirname, '../../../public/models');
/**
 * Decoders with the exports' input and output names (npm test makes both first): the tiny pack's LLM (one key/value
 * head) and SmolLM2-360M's first layer at its real widths and int8 operators (five heads, so each head's rows move).
 */
const DECODERS = [
  { label: 'the tiny LLM', path: join(MODELS, 'tiny/llm/onnx/model.onnx') },
  { label: "SmolLM2-360M's shallow int8 decoder", path: join(MODELS, 'scale/SmolLM2-360M-Instruct-shallow/onnx/model_int8.onnx') },
];

type Feeds = Record<string, ort.Tensor>;
type Outputs = Record<string, ort.Tensor>;

const int64s = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);

/** The first `length` positions of a [batch, heads, sequence, headDim] cache tensor, in fresh arrays (as the reply engine crops). */
function cropped(tensor: ort.Tensor, length: number): ort.Tensor {
  const [batch, heads, sequence, headDim] = tensor.dims as [number, number, number, number];
  const data = tensor.data as Float32Array;
  const out = new Float32Array(batch * heads * length * headDim);
  for (let block = 0; block < batch * heads; block++) out.set(data.subarray(block * sequence * headDim, (block * sequence + length) * headDim), block * length * headDim);
  return new ort.Tensor('float32', out, [batch, heads, length, headDim]);
}

/** A decoding session over one sequence: feeds the tokens after `cache`, returns the outputs. */
async function step(session: ort.InferenceSession, cache: Feeds, pastLength: number, ids: number[]): Promise<Outputs> {
  const positions = ids.map((_, i) => pastLength + i);
  const feeds: Feeds = {
    input_ids: int64s(ids, [1, ids.length]),
    attention_mask: int64s(new Array<number>(pastLength + ids.length).fill(1), [1, pastLength + ids.length]),
    position_ids: int64s(positions, [1, ids.length]),
    ...cache,
  };
  return (await session.run(feeds)) as Outputs;
}

const cacheOf = (outputs: Outputs): Feeds =>
  Object.fromEntries(Object.entries(outputs).filter(([name]) => name.startsWith('present.')).map(([name, tensor]) => [name.replace('present', 'past_key_values'), tensor]));

/** An empty cache of the decoder's heads and head size, as its graph declares them: [batch, heads, 0, headDim]. */
function emptyCacheFor(session: ort.InferenceSession): Feeds {
  const names = session.inputNames.filter((name) => name.startsWith('past_key_values.'));
  const meta = session.inputMetadata.find((input) => input.name === names[0]);
  const [, heads, , headDim] = meta && 'shape' in meta ? meta.shape : [];
  return Object.fromEntries(names.map((name) => [name, new ort.Tensor('float32', new Float32Array(0), [1, Number(heads), 0, Number(headDim)])]));
}

function expectSameOutputs(actual: Outputs, expected: Outputs): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, tensor] of Object.entries(expected)) {
    expect(actual[name]!.dims, name).toEqual(tensor.dims);
    // Bit for bit: the same graph computes them; only where the cache's rows are put together differs.
    expect(Array.from(actual[name]!.data as Float32Array), name).toEqual(Array.from(tensor.data as Float32Array));
  }
}

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

describe.each(DECODERS)('keepNewKvRowsOnly on $label', ({ path }) => {
  const model = readFileSync(path);

  it('makes each present output hold only the positions the run added', async () => {
    const decoded = onnx.ModelProto.decode(model);
    const names = keepNewKvRowsOnly(decoded);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((name) => /^present\.\d+\.(key|value)$/.test(name))).toBe(true);
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(decoded).finish(), { executionProviders: ['wasm'] });
    const original = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    try {
      const first = await step(original, emptyCacheFor(original), 0, [3, 4, 5]);
      const [, kvHeads, , kvDim] = first[names[0]!]!.dims as [number, number, number, number];
      const rows = await step(session, cacheOf(first), 3, [6, 7]);
      expect(rows[names[0]!]!.dims).toEqual([1, kvHeads, 2, kvDim]);
      const whole = await step(original, cacheOf(first), 3, [6, 7]);
      // The new rows are the last two positions of each head in the whole cache.
      const wholeData = whole[names[0]!]!.data as Float32Array;
      const lastTwo = Array.from({ length: kvHeads }, (_, head) => Array.from(wholeData.subarray((head * 5 + 3) * kvDim, (head * 5 + 5) * kvDim))).flat();
      expect(Array.from(rows[names[0]!]!.data as Float32Array)).toEqual(lastTwo);
    } finally {
      await Promise.all([session.release(), original.release()]);
    }
  });
});

describe('keepNewKvRowsOnly', () => {
  it('leaves alone a graph without a cache, and one whose cache outputs are named otherwise (Whisper\'s decoder)', () => {
    const model = readFileSync(DECODERS[0]!.path);
    expect(keepNewKvRowsOnly(onnx.ModelProto.decode(linearModel()))).toEqual([]);
    const whisperLike = onnx.ModelProto.decode(model);
    for (const value of [...whisperLike.graph!.output!, ...whisperLike.graph!.input!]) value.name = value.name!.replace(/\.(key|value)$/, '.decoder.$1');
    expect(keepNewKvRowsOnly(whisperLike)).toEqual([]);
  });
});

describe.each(DECODERS)('withWholeKvCache on $label', ({ path }) => {
  const model = readFileSync(path);

  it('answers as the original session does, bit for bit, through a prefill, decoding steps, a cropped cache and decoding after it', async () => {
    const decoded = onnx.ModelProto.decode(model);
    const names = keepNewKvRowsOnly(decoded);
    const rewritten = await ort.InferenceSession.create(onnx.ModelProto.encode(decoded).finish(), { executionProviders: ['wasm'] });
    const wrapped = withWholeKvCache(rewritten, names, ort.Tensor);
    const original = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    try {
      const presentName = names[0]!;
      let ours = await step(wrapped, emptyCacheFor(original), 0, [3, 4, 5, 6, 7]);
      let theirs = await step(original, emptyCacheFor(original), 0, [3, 4, 5, 6, 7]);
      expectSameOutputs(ours, theirs);
      let length = 5;
      for (const id of [8, 9, 10, 11]) {
        const copy = Array.from(ours[presentName]!.data as Float32Array);
        const next = await step(wrapped, cacheOf(ours), length, [id]);
        theirs = await step(original, cacheOf(theirs), length, [id]);
        expectSameOutputs(next, theirs);
        // A step's cache stays as it was through the next step (its arrays are reused only the step after).
        expect(Array.from(ours[presentName]!.data as Float32Array)).toEqual(copy);
        ours = next;
        length += 1;
      }
      // A new turn that shares 6 positions with the last: both continue from the same cropped cache.
      const crop = Object.fromEntries(Object.entries(cacheOf(theirs)).map(([name, tensor]) => [name, cropped(tensor, 6)]));
      ours = await step(wrapped, crop, 6, [20, 21, 22]);
      theirs = await step(original, crop, 6, [20, 21, 22]);
      expectSameOutputs(ours, theirs);
      length = 9;
      for (const id of [23, 24, 25]) {
        ours = await step(wrapped, cacheOf(ours), length, [id]);
        theirs = await step(original, cacheOf(theirs), length, [id]);
        expectSameOutputs(ours, theirs);
        length += 1;
      }
      // Whatever else the session offers is the original's.
      expect(wrapped.inputNames).toEqual(original.inputNames);
      expect(wrapped.outputNames).toEqual(original.outputNames);
    } finally {
      await Promise.all([wrapped.release(), original.release()]);
    }
  });
});
