import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../models/device/gpuInfo';
import type { ModelFamily } from '../models/loadModel';
import { verdictKey } from '../models/selfCheck/verdict';
import { createModelHandlers, type ModelSlot } from './modelHandlers';
import type { ModelLoadRequest } from './modelApi';
import type { CallContext, Progress } from './protocol';

const GPU: GpuInfo = { adapterKey: 'acme|x1|-|-', isFallbackAdapter: false, shaderF16: true, maxBufferSizeBytes: 1 << 30, maxStorageBufferBindingSizeBytes: 1 << 27 };

/** A family whose WebGPU output is off by `gpuError`; it reports one file's progress per load. */
function fakeFamily(gpuError: number, disposed: string[]): ModelFamily<{ device: string; id: number }> {
  let loads = 0;
  return {
    async load(_modelId, device, _dtype, onFileProgress) {
      onFileProgress({ file: 'onnx/model.onnx', loadedBytes: 10, totalBytes: 10 });
      return { device, id: loads++ };
    },
    async warmUp(model) {
      return { kind: 'raw', outputs: [Float32Array.from([1 + (model.device === 'webgpu' ? gpuError : 0)])] };
    },
    async dispose(model) {
      disposed.push(`${model.device}#${model.id}`);
    },
  };
}

const REQUEST: ModelLoadRequest = { pack: 'tiny', modelId: 'tiny/kokoro', dtypes: { webgpu: 'fp32', wasm: 'fp32' }, preference: 'auto', fingerprint: 'abc123', verdicts: {}, recheck: false, runtime: 'webgpu' };

function context(progress: Progress[]): CallContext<never> {
  return { signal: new AbortController().signal, chunk: () => {}, progress: (p) => progress.push(p) };
}

describe('model worker load handler', () => {
  it('keys a new verdict by adapter and weights, reports file progress, and fills the slot', async () => {
    const slot: ModelSlot<{ device: string; id: number }> = { current: null };
    const handlers = createModelHandlers(fakeFamily(0.5, []), slot, { findGpu: async () => GPU });
    const progress: Progress[] = [];
    const result = await handlers.load(REQUEST, context(progress));
    expect(result).toMatchObject({ device: 'wasm', gpu: GPU, newVerdict: { key: verdictKey(GPU.adapterKey, 'abc123'), verdict: { agrees: false } } });
    expect(progress[0]).toEqual({ stage: 'onnx/model.onnx', loadedBytes: 10, totalBytes: 10 });
    expect(slot.current?.device).toBe('wasm');
  });

  it('corrupts WebGPU output only when the test hook asks, moving an agreeing model to wasm', async () => {
    const handlers = createModelHandlers(fakeFamily(0, []), { current: null }, { findGpu: async () => GPU });
    expect(await handlers.load(REQUEST, context([]))).toMatchObject({ device: 'webgpu', selfCheck: { outcome: 'passed' } });
    const faulted = await handlers.load({ ...REQUEST, injectFault: true }, context([]));
    // 1 negated is -1: max |diff| 2 over max |reference| 1.
    expect(faulted).toMatchObject({ device: 'wasm', selfCheck: { outcome: 'failed', evidence: 'fp32 on both: relative error 2.0e+0 > 0.01' } });
  });

  it('keeps a model on wasm, unchecked, when the worker started the wasm-only runtime though it sees an adapter', async () => {
    const handlers = createModelHandlers(fakeFamily(0, []), { current: null }, { findGpu: async () => GPU });
    const result = await handlers.load({ ...REQUEST, runtime: 'wasm' }, context([]));
    expect(result).toMatchObject({ device: 'wasm', selfCheck: null, newVerdict: null });
    expect(result.reason).toMatch(/without WebGPU/);
  });

  it('takes its turn for the self-check through the lock it is given', async () => {
    const turns: string[] = [];
    const handlers = createModelHandlers(fakeFamily(0, []), { current: null }, {
      findGpu: async () => GPU,
      exclusive: async (check) => {
        turns.push('lock');
        const result = await check();
        turns.push('unlock');
        return result;
      },
    });
    await handlers.load(REQUEST, context([]));
    expect(turns).toEqual(['lock', 'unlock']);
  });

  it('creates sessions only inside the load lock it is given, so two workers never load at once', async () => {
    let queue = Promise.resolve();
    // A one-at-a-time lock, as the page's Web Lock is across workers.
    const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
      const turn = queue.then(work);
      queue = turn.then(() => undefined, () => undefined);
      return turn;
    };
    const events: string[] = [];
    const tracing = (name: string): ModelFamily<{ device: string; id: number }> => {
      const family = fakeFamily(0, []);
      return {
        ...family,
        async load(...args) {
          events.push(`${name} starts`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          events.push(`${name} loaded`);
          return family.load(...args);
        },
      };
    };
    const wasmOnly = { ...REQUEST, preference: 'wasm' as const };
    const first = createModelHandlers(tracing('asr'), { current: null }, { findGpu: async () => GPU, loadExclusive: oneAtATime });
    const second = createModelHandlers(tracing('llm'), { current: null }, { findGpu: async () => GPU, loadExclusive: oneAtATime });
    await Promise.all([first.load(wasmOnly, context([])), second.load(wasmOnly, context([]))]);
    expect(events).toEqual(['asr starts', 'asr loaded', 'llm starts', 'llm loaded']);
  });

  it('uses a remembered verdict, and releases the previous model before loading again', async () => {
    const disposed: string[] = [];
    const slot: ModelSlot<{ device: string; id: number }> = { current: null };
    const handlers = createModelHandlers(fakeFamily(0, disposed), slot, { findGpu: async () => GPU });
    const verdicts = { [verdictKey(GPU.adapterKey, 'abc123')]: { agrees: true, evidence: 'fp32 on both: relative error 0.0e+0 <= 0.01', checkedAtMs: 1 } };
    const first = await handlers.load({ ...REQUEST, verdicts }, context([]));
    expect(first).toMatchObject({ device: 'webgpu', newVerdict: null });
    await handlers.load({ ...REQUEST, verdicts }, context([]));
    expect(disposed).toEqual(['webgpu#0']);
  });

  it('turns a load error into the one the user should see', async () => {
    const broken: ModelFamily<object> = { load: async () => Promise.reject(new Error('file not found locally')), warmUp: async () => ({ kind: 'raw', outputs: [] }), dispose: async () => {} };
    const handlers = createModelHandlers(broken, { current: null }, { findGpu: async () => null, explainError: () => new Error('/models/tiny/llm/onnx/model.onnx is missing. Run npm run make:tiny-pack.') });
    await expect(handlers.load(REQUEST, context([]))).rejects.toThrow('Run npm run make:tiny-pack.');
  });

  it("runs a self-check's reference alone on the wasm-only runtime, under the check's lock, releases it, and a WebGPU load judges by it", async () => {
    const disposed: string[] = [];
    const prepared: string[] = [];
    const turns: string[] = [];
    const exclusive = async <T,>(check: () => Promise<T>) => {
      turns.push('check');
      return check();
    };
    const referenceSide = createModelHandlers(fakeFamily(0, disposed), { current: null }, { findGpu: async () => GPU, exclusive, prepare: (request) => prepared.push(request.runtime) });
    const progress: Progress[] = [];
    const reference = await referenceSide.referenceProbe({ pack: 'tiny', modelId: 'tiny/kokoro', dtypes: ['fp32'] }, context(progress));
    expect(reference).toEqual({ probe: { kind: 'raw', outputs: [Float32Array.from([1])] }, dtype: 'fp32' });
    expect([prepared, turns, disposed]).toEqual([['wasm'], ['check'], ['wasm#0']]);
    expect(progress[0]).toEqual({ stage: 'onnx/model.onnx', loadedBytes: 10, totalBytes: 10 });

    const gpuDisposed: string[] = [];
    const gpuSide = createModelHandlers(fakeFamily(0.5, gpuDisposed), { current: null }, { findGpu: async () => GPU, exclusive });
    const result = await gpuSide.load({ ...REQUEST, reference }, context([]));
    expect(result).toMatchObject({ device: 'wasm', selfCheck: { outcome: 'failed', evidence: 'fp32 on both: relative error 5.0e-1 > 0.01' } });
    // Judged by the reference it was given: no reference loaded here, and no second turn at the lock.
    expect(gpuDisposed).toEqual(['webgpu#0']);
    expect(turns).toEqual(['check']);
  });
});
