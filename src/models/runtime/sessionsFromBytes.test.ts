// What the page does to every model it loads from bytes, seen from onnxruntime's side: the arguments create receives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { linearModel, weightsOutsideGraph } from '../../../test/support/onnxModels';
import { prepareSessionsFromBytes } from './sessionsFromBytes';
import { INLINE_WEIGHTS_PATH } from './weightsOutsideGraph';

const { onnx } = onnxProto;
const TINY_LLM = join(import.meta.dirname, '../../../public/models/tiny/llm/onnx/model.onnx');
const SESSION = { run: async () => ({}), inputNames: ['x'] };

/** A stand-in for InferenceSession with the hook installed, and the calls its create received. */
function hookedFactory() {
  const calls: unknown[][] = [];
  const sessions = {
    create: async (...args: unknown[]) => {
      calls.push(args);
      return SESSION;
    },
  };
  prepareSessionsFromBytes(sessions as unknown as Parameters<typeof prepareSessionsFromBytes>[0], ort.Tensor);
  return { calls, create: sessions.create as (...args: unknown[]) => Promise<unknown> };
}

const rewrittenForNewRows = (graph: Uint8Array) => onnx.ModelProto.decode(graph).graph!.node!.some((node) => (node.name ?? '').startsWith('es4r_new_kv_rows/'));

describe('prepareSessionsFromBytes', () => {
  it("hands onnxruntime the graph and the file as external data, keeping the caller's options and external data; paths pass unchanged", async () => {
    const { calls, create } = hookedFactory();
    const model = linearModel();
    const other = { path: 'model.onnx_data', data: new Uint8Array(1) };
    expect(await create(model, { executionProviders: ['wasm'], externalData: [other] })).toBe(SESSION);
    const [graph, options] = calls[0]! as [Uint8Array, object];
    expect(graph).toEqual(weightsOutsideGraph(model)!.graph);
    expect(options).toEqual({ executionProviders: ['wasm'], externalData: [other, { path: INLINE_WEIGHTS_PATH, data: model }] });
    await create('/models/x.onnx');
    expect(calls[1]).toEqual(['/models/x.onnx']);
  });

  it('hands a file it cannot read to onnxruntime unchanged, so that onnxruntime reports it as before', async () => {
    const { calls, create } = hookedFactory();
    const truncated = linearModel().subarray(0, 2000);
    expect(() => weightsOutsideGraph(truncated)).toThrow();
    await create(truncated, { executionProviders: ['wasm'] });
    expect(calls[0]).toEqual([truncated, { executionProviders: ['wasm'] }]);
  });

  it("rewrites a causal LM on wasm to return its cache's new rows behind a session that puts the whole cache together, and leaves it whole on WebGPU", async () => {
    const model = readFileSync(TINY_LLM);
    const { calls, create } = hookedFactory();
    const onWasm = (await create(model, { executionProviders: ['wasm'] })) as typeof SESSION;
    expect(rewrittenForNewRows(calls[0]![0] as Uint8Array)).toBe(true);
    expect(onWasm).not.toBe(SESSION);
    expect(onWasm.inputNames).toEqual(['x']);
    // On WebGPU transformers.js keeps the cache on the GPU between steps: nothing comes back to the CPU to save.
    expect(await create(model, { executionProviders: [{ name: 'webgpu' }] })).toBe(SESSION);
    expect(rewrittenForNewRows(calls[1]![0] as Uint8Array)).toBe(false);
  });
});
