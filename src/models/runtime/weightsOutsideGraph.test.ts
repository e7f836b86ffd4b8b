// A single-file model loaded as graph plus external data (the file itself): onnxruntime, an independent reader of the
// ONNX spec, runs it to the same bits as the file, reading each weight where it lies in the file; the ONNX schema's
// own decoder reads the rewritten graph as the same model.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { IN, linearModel, OUT, weightsOutsideGraph } from '../../../test/support/onnxModels';
import { graphWithoutWeights, INLINE_WEIGHTS_PATH, MIN_OUTSIDE_TENSOR_BYTES, readFromMemory } from './weightsOutsideGraph';

const { onnx } = onnxProto;

const input = () => new ort.Tensor('float32', Float32Array.from({ length: IN }, (_, i) => (i % 7) - 3), [1, IN]);

async function run(model: Uint8Array, externalData?: { path: string; data: Uint8Array }[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], ...(externalData ? { externalData } : {}) });
  try {
    return (await session.run({ x: input() })).y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** The model at an offset inside a larger buffer, as a view: where a fetched body or a pooled Buffer may put it. */
function inLargerBuffer(model: Uint8Array, before: number): Uint8Array {
  const buffer = new Uint8Array(before + model.length + 100).fill(0xa5);
  buffer.set(model, before);
  return buffer.subarray(before, before + model.length);
}

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

describe('graphWithoutWeights', () => {
  it("points the large initializers at their own bytes in the file, keeps the small ones inline, and mounts the file itself", () => {
    const model = linearModel();
    const split = weightsOutsideGraph(model)!;
    const initializers = onnx.ModelProto.decode(split.graph).graph!.initializer!;
    const w = initializers.find((t) => t.name === 'w')!;
    const b = initializers.find((t) => t.name === 'b')!;
    expect([split.movedTensors, split.movedBytes]).toEqual([1, IN * OUT * 4]);
    expect(w.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    const entries = Object.fromEntries(w.externalData!.map((entry) => [entry.key, entry.value]));
    expect(entries).toMatchObject({ location: INLINE_WEIGHTS_PATH, length: String(IN * OUT * 4) });
    // The weight's first float, sin(0) = 0, then sin(0.37), read back from the file at the recorded offset.
    const at = new DataView(model.buffer, model.byteOffset + Number(entries.offset), 8);
    expect([at.getFloat32(0, true), at.getFloat32(4, true)]).toEqual([0, Math.fround(Math.sin(0.37))]);
    expect(b.dataLocation).not.toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    expect(b.rawData!.length).toBe(OUT * 4);
    expect(split.externalData.data).toBe(model);
    // The 7680 weight bytes are gone; the graph, the bias and the pointer's three strings remain.
    expect(split.graph.length).toBeLessThan(model.length / 10);
  });

  it('runs in onnxruntime to the same bits as the single file, also from a view into a larger buffer', async () => {
    const expected = await run(linearModel());
    for (const model of [linearModel(), inLargerBuffer(linearModel(), 333)]) {
      const split = weightsOutsideGraph(model)!;
      expect(await run(split.graph, [split.externalData])).toEqual(expected);
    }
  });

  it('reads the weights from the mounted bytes: other bytes there, other outputs', async () => {
    const model = linearModel();
    const split = weightsOutsideGraph(model)!;
    const expected = await run(model);
    const shifted = new Uint8Array(model.length);
    shifted.set(model.subarray(4), 0);
    expect(await run(split.graph, [{ path: INLINE_WEIGHTS_PATH, data: shifted }])).not.toEqual(expected);
  });

  it('leaves alone a model of small tensors and one already in external-data form', () => {
    expect(weightsOutsideGraph(linearModel(), IN * OUT * 4 + 1)).toBeNull();
    expect(weightsOutsideGraph(weightsOutsideGraph(linearModel())!.graph)).toBeNull();
  });

  it('rewrites every tiny-pack graph into the same model, as the ONNX schema decodes it, with each large weight found at its offset', () => {
    const tinyPack = join(import.meta.dirname, '../../../public/models/tiny');
    const graphs = readdirSync(tinyPack, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.onnx'));
    expect(graphs.length).toBeGreaterThanOrEqual(10);
    let moved = 0;
    for (const path of graphs) {
      const file = new Uint8Array(readFileSync(join(tinyPack, path)));
      const hollow = graphWithoutWeights(readFromMemory(file), file.length, INLINE_WEIGHTS_PATH);
      if (!hollow) continue;
      moved += hollow.movedTensors;
      const original = onnx.ModelProto.decode(file);
      const rewritten = onnx.ModelProto.decode(hollow.graph);
      expect(rewritten.graph!.node, path).toEqual(original.graph!.node);
      expect(rewritten.graph!.input, path).toEqual(original.graph!.input);
      expect(rewritten.graph!.output, path).toEqual(original.graph!.output);
      expect(rewritten.opsetImport, path).toEqual(original.opsetImport);
      const before = original.graph!.initializer!;
      const after = rewritten.graph!.initializer!;
      expect(after.map((tensor) => tensor.name)).toEqual(before.map((tensor) => tensor.name));
      for (const [i, tensor] of after.entries()) {
        const source = before[i]!;
        expect([tensor.dims, tensor.dataType]).toEqual([source.dims, source.dataType]);
        if (tensor.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) {
          expect(tensor.rawData, `${path} ${tensor.name}`).toEqual(source.rawData);
          continue;
        }
        const at = Object.fromEntries(tensor.externalData!.map((entry) => [entry.key, entry.value]));
        expect(at.location).toBe(INLINE_WEIGHTS_PATH);
        expect(source.rawData!.length).toBeGreaterThanOrEqual(MIN_OUTSIDE_TENSOR_BYTES);
        const bytes = file.subarray(Number(at.offset), Number(at.offset) + Number(at.length));
        expect(Buffer.compare(bytes, source.rawData!), `${path} ${tensor.name}`).toBe(0);
      }
    }
    expect(moved).toBeGreaterThan(20);
  });
});
