// Weights left in a file that is never read whole: onnxruntime-web, mounting bytesOnDemand as a graph's external data,
// asks for each weight once and runs the model to the same bits as the single file.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { IN, linearModel, OUT } from '../../../test/support/onnxModels';
import { prepareSessionsFromBytes } from './sessionsFromBytes';
import { bytesOnDemand, graphReadingWeightsOnDemand, takeWeightsOnDemand } from './weightsOnDemand';
import { readFromMemory } from './weightsOutsideGraph';

const input = () => new ort.Tensor('float32', Float32Array.from({ length: IN }, (_, i) => (i % 5) - 2), [1, IN]);

async function run(model: Uint8Array, externalData: { path: string; data: Uint8Array }[] = []): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], externalData });
  try {
    return (await session.run({ x: input() })).y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** A file read only through its reads, which are recorded. */
function recordedFile(file: Uint8Array) {
  const reads: [number, number][] = [];
  const read = (start: number, end: number) => {
    reads.push([start, end]);
    return file.slice(start, end);
  };
  return { blob: new Blob([file.slice()]), read, reads };
}

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

describe('weights on demand', () => {
  it('runs the graph to the same bits as the file, reading the weight alone, once, while the session is created', async () => {
    const model = linearModel();
    const expected = await run(model);
    const file = recordedFile(model);
    const graph = graphReadingWeightsOnDemand(file.blob, file.read)!;
    const headerReads = file.reads.length;
    // The walk reads the file's fields in windows, never the weight's bytes.
    expect(file.reads.every(([start, end]) => end - start <= 1 << 16)).toBe(true);
    const mounts = takeWeightsOnDemand(['unknown.bin', ...onnxLocations(graph)]);
    expect(mounts).toHaveLength(1);
    expect(await run(graph, mounts)).toEqual(expected);
    const weightReads = file.reads.slice(headerReads);
    expect(weightReads).toHaveLength(1);
    expect(weightReads[0]![1] - weightReads[0]![0]).toBe(IN * OUT * 4);
    // Handed out once: a second session from the same graph finds nothing to mount.
    expect(takeWeightsOnDemand(onnxLocations(graph))).toEqual([]);
  });

  it('reports its size and reads a range through subarray, as onnxruntime asks of mounted data', () => {
    const bytes = bytesOnDemand(10_000, (start, end) => Uint8Array.from({ length: end - start }, (_, i) => (start + i) % 251));
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBe(10_000);
    expect(Array.from(bytes.subarray(300, 303))).toEqual([49, 50, 51]);
  });

  it('is what the page\'s session hook mounts for a graph served this way: onnxruntime runs it to the same bits', async () => {
    const model = linearModel();
    const expected = await run(model);
    const file = recordedFile(model);
    const sessions = { create: ort.InferenceSession.create.bind(ort.InferenceSession) };
    prepareSessionsFromBytes(sessions as never, ort.Tensor);
    const session = (await sessions.create(graphReadingWeightsOnDemand(file.blob, file.read)!, { executionProviders: ['wasm'] })) as ort.InferenceSession;
    try {
      expect((await session.run({ x: input() })).y!.data).toEqual(expected);
    } finally {
      await session.release();
    }
    expect(file.reads.filter(([start, end]) => end - start === IN * OUT * 4)).toHaveLength(1);
  });

  it('gives no graph for a model already in external-data form, and throws on bytes that are not ONNX', () => {
    const graph = graphReadingWeightsOnDemand(new Blob([linearModel().slice()]), readFromMemory(linearModel()))!;
    expect(graphReadingWeightsOnDemand(new Blob([graph]), readFromMemory(graph))).toBeNull();
    const garbage = new Uint8Array([0x0b, 0xff, 0xff]);
    expect(() => graphReadingWeightsOnDemand(new Blob([garbage]), readFromMemory(garbage))).toThrow();
  });
});

function onnxLocations(graph: Uint8Array): string[] {
  const text = new TextDecoder().decode(graph);
  return [...text.matchAll(/es4r-weights-on-demand-\d+\.bin/gu)].map((match) => match[0]);
}
