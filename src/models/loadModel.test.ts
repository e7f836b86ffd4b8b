import { describe, expect, it } from 'vitest';
import type { Dtype, RuntimeDevice } from './device/chooseDevice';
import type { GpuInfo } from './device/gpuInfo';
import { loadWithFallback, type ModelFamily } from './loadModel';

const GPU: GpuInfo = { adapterKey: 'a|b|c|d', isFallbackAdapter: false, shaderF16: true, maxBufferSizeBytes: 1 << 30, maxStorageBufferBindingSizeBytes: 1 << 27 };
const DTYPES = { webgpu: 'fp32', wasm: 'q8' } as const;

interface FakeModel {
  device: RuntimeDevice;
  dtype: Dtype;
}

/** A family whose behaviour per device is scripted; it records loads and disposals. */
function scriptedFamily(script: { webgpuLoad?: Error; webgpuWarmUp?: Error; webgpuOutput?: number[]; wasmRejects?: string[] } = {}) {
  const log: string[] = [];
  const family: ModelFamily<FakeModel> = {
    selfCheckTolerance: 1e-3,
    async load(_id, device, dtype) {
      log.push(`load ${device} ${String(dtype)}`);
      if (device === 'webgpu' && script.webgpuLoad) throw script.webgpuLoad;
      if (device === 'wasm' && script.wasmRejects?.includes(String(dtype))) throw new Error(`no ${String(dtype)} kernels`);
      return { device, dtype };
    },
    async warmUp(model) {
      log.push(`warm ${model.device}`);
      if (model.device === 'webgpu' && script.webgpuWarmUp) throw script.webgpuWarmUp;
      return [Float32Array.from(model.device === 'webgpu' ? (script.webgpuOutput ?? [1, 2, 4]) : [1, 2, 4])];
    },
    async dispose(model) {
      log.push(`dispose ${model.device}`);
    },
  };
  return { family, log };
}

const noProgress = () => {};

describe('loadWithFallback', () => {
  it('loads on wasm when there is no adapter, without a self-check', async () => {
    const { family, log } = scriptedFamily();
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: null }, noProgress);
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8', reason: 'no WebGPU adapter in this browser' });
    expect(log).toEqual(['load wasm q8', 'warm wasm']);
  });

  it('keeps WebGPU after a self-check that agrees, and releases the wasm copy', async () => {
    const { family, log } = scriptedFamily({ webgpuOutput: [1, 2, 4.0001] });
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(loaded).toMatchObject({ device: 'webgpu', dtype: 'fp32', reason: 'WebGPU; self-check passed' });
    expect(loaded.newVerdict).toMatchObject({ agrees: true, tolerance: 1e-3 });
    expect(loaded.newVerdict!.relativeError).toBeCloseTo(0.0001 / 4, 6);
    expect(log).toEqual(['load webgpu fp32', 'warm webgpu', 'load wasm fp32', 'warm wasm', 'dispose wasm']);
  });

  it('falls back to wasm when WebGPU computes something else, and says by how much', async () => {
    const { family, log } = scriptedFamily({ webgpuOutput: [1, 2, 6] });
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(loaded.device).toBe('wasm');
    expect(loaded.reason).toBe('WebGPU output differs from wasm on this GPU (relative error 5.0e-1 > 0.001); using wasm');
    expect(loaded.newVerdict).toMatchObject({ agrees: false, relativeError: 0.5 });
    expect(log.at(-1)).toBe('dispose webgpu');
  });

  it('falls back to wasm when WebGPU fails to create a session or to warm up', async () => {
    const broken = scriptedFamily({ webgpuLoad: new Error('no adapter for session') });
    expect((await loadWithFallback(broken.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress)).reason).toBe(
      'WebGPU failed (no adapter for session); using wasm',
    );
    const lost = scriptedFamily({ webgpuWarmUp: new Error('device lost') });
    const loaded = await loadWithFallback(lost.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(lost.log).toContain('dispose webgpu');
  });

  it('trusts a remembered verdict, unless asked to check again', async () => {
    const verdict = { agrees: true, relativeError: 0, tolerance: 1e-3, checkedAtMs: 1 };
    const trusted = scriptedFamily();
    await loadWithFallback(trusted.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU, verdict }, noProgress);
    expect(trusted.log).toEqual(['load webgpu fp32', 'warm webgpu']);
    const rechecked = scriptedFamily();
    const loaded = await loadWithFallback(rechecked.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU, verdict, recheck: true }, noProgress);
    expect(loaded.newVerdict).toBeDefined();
    expect(rechecked.log).toContain('load wasm fp32');
  });

  it("compares against wasm's own dtype when wasm cannot run the WebGPU weights", async () => {
    const { family, log } = scriptedFamily({ wasmRejects: ['fp32'] });
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(loaded.device).toBe('webgpu');
    expect(log).toEqual(['load webgpu fp32', 'warm webgpu', 'load wasm fp32', 'load wasm q8', 'warm wasm', 'dispose wasm']);
  });
});
