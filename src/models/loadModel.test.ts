import { describe, expect, it } from 'vitest';
import type { Dtype, RuntimeDevice } from './device/chooseDevice';
import type { GpuInfo } from './device/gpuInfo';
import { loadWithFallback, referenceDtypes, referenceOnWasm, type Exclusive, type ModelFamily } from './loadModel';
import type { SelfCheckProbe } from './selfCheck/probe';

const GPU: GpuInfo = { adapterKey: 'a|b|c|d', isFallbackAdapter: false, shaderF16: true, maxBufferSizeBytes: 1 << 30, maxStorageBufferBindingSizeBytes: 1 << 27 };
const DTYPES = { webgpu: 'fp32', wasm: 'q8' } as const;
const LLM_DTYPES = { webgpu: 'q4f16', wasm: 'q4' } as const;

interface FakeModel {
  device: RuntimeDevice;
  dtype: Dtype;
}

/** Logits over a vocabulary of 20 for 4 steps: token (step * 3) % 20 best, then its neighbours. */
function logits(shiftBest = 0): Float32Array {
  const values = new Float32Array(4 * 20);
  for (let step = 0; step < 4; step++) for (let token = 0; token < 20; token++) values[step * 20 + token] = -Math.abs(token - ((step * 3 + shiftBest) % 20));
  return values;
}

interface Script {
  webgpuLoad?: Error;
  webgpuWarmUp?: Error;
  webgpuOutput?: number[];
  webgpuLogits?: Float32Array;
  wasmRejects?: string[];
}

/** A family whose behaviour per device is scripted; it records loads and disposals and counts live copies. */
function scriptedFamily(script: Script = {}, live = { now: 0, peak: 0 }) {
  const log: string[] = [];
  const family: ModelFamily<FakeModel> = {
    async load(_id, device, dtype) {
      log.push(`load ${device} ${String(dtype)}`);
      if (device === 'webgpu' && script.webgpuLoad) throw script.webgpuLoad;
      if (device === 'wasm' && script.wasmRejects?.includes(String(dtype))) throw new Error(`no ${String(dtype)} kernels`);
      live.peak = Math.max(live.peak, ++live.now);
      return { device, dtype };
    },
    async warmUp(model, options): Promise<SelfCheckProbe> {
      const forSelfCheck = options?.forSelfCheck ?? false;
      log.push(`warm ${model.device}${forSelfCheck ? ' (check)' : ''}`);
      if (model.device === 'webgpu' && script.webgpuWarmUp) throw script.webgpuWarmUp;
      const onGpu = model.device === 'webgpu';
      if (String(model.dtype).startsWith('q4')) return { kind: 'logits', steps: 4, outputs: [onGpu ? (script.webgpuLogits ?? logits()) : logits()] };
      return { kind: 'raw', outputs: [Float32Array.from(onGpu ? (script.webgpuOutput ?? [1, 2, 4]) : [1, 2, 4])] };
    },
    async dispose(model) {
      live.now--;
      log.push(`dispose ${model.device} ${String(model.dtype)}`);
    },
  };
  return { family, log, live };
}

const noProgress = () => {};

describe('loadWithFallback', () => {
  it('loads on wasm when there is no adapter, without a self-check', async () => {
    const { family, log } = scriptedFamily();
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: null }, noProgress);
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8', reason: 'no WebGPU adapter in this browser', selfCheck: null });
    expect(log).toEqual(['load wasm q8', 'warm wasm']);
  });

  it('keeps WebGPU after a same-dtype check that agrees, states the evidence, and releases the wasm copy', async () => {
    const { family, log, live } = scriptedFamily({ webgpuOutput: [1, 2, 4.0001] });
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(loaded).toMatchObject({ device: 'webgpu', dtype: 'fp32', reason: 'WebGPU; self-check passed' });
    // 0.0001 / 4 = 2.5e-5, against fp32's limit.
    expect(loaded.selfCheck).toEqual({ outcome: 'passed', evidence: 'fp32 on both: relative error 2.5e-5 <= 0.01' });
    expect(loaded.newVerdict).toMatchObject({ agrees: true, evidence: loaded.selfCheck!.evidence });
    expect(log).toEqual(['load webgpu fp32', 'warm webgpu (check)', 'load wasm fp32', 'warm wasm (check)', 'dispose wasm fp32']);
    expect(live.now).toBe(1);
  });

  it('moves a model that differs to its wasm dtype, not the WebGPU one, releasing both checked copies', async () => {
    const { family, log, live } = scriptedFamily({ webgpuOutput: [1, 2, 6] });
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(loaded.reason).toBe('WebGPU output differs from wasm on this GPU (fp32 on both: relative error 5.0e-1 > 0.01); using wasm');
    expect(loaded.newVerdict).toMatchObject({ agrees: false });
    expect(log.slice(4)).toEqual(['dispose wasm fp32', 'dispose webgpu fp32', 'load wasm q8', 'warm wasm']);
    expect(live).toEqual({ now: 1, peak: 2 });
  });

  it('compares an f16 model by the tokens it would pick against wasm\'s own dtype', async () => {
    const same = scriptedFamily();
    const kept = await loadWithFallback(same.family, { modelId: 'm', dtypes: LLM_DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(kept.selfCheck).toEqual({ outcome: 'passed', evidence: 'q4f16 on WebGPU vs q4 on wasm: greedy tokens 4/4 equal (>= 50% needed), top-10 overlap 100% (>= 20% needed)' });
    expect(same.log).toEqual(['load webgpu q4f16', 'warm webgpu (check)', 'load wasm q4', 'warm wasm (check)', 'dispose wasm q4']);

    // Best tokens shifted by 10 of 20: no greedy token and 1 of 10 top tokens shared per step.
    const shifted = scriptedFamily({ webgpuLogits: logits(10) });
    const moved = await loadWithFallback(shifted.family, { modelId: 'm', dtypes: LLM_DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(moved).toMatchObject({ device: 'wasm', dtype: 'q4', selfCheck: { outcome: 'failed' } });
    expect(moved.reason).toContain('greedy tokens 0/4 equal');
    // The q4 reference is the wasm model: no second load.
    expect(shifted.log.slice(4)).toEqual(['dispose webgpu q4f16']);
  });

  it('stays on WebGPU, unverified with the reason, when no wasm reference can load; nothing throws or leaks', async () => {
    const { family, log, live } = scriptedFamily({ wasmRejects: ['fp32', 'q8'] });
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(loaded).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
    expect(loaded.newVerdict).toBeUndefined();
    expect(loaded.selfCheck).toEqual({ outcome: 'unverified', evidence: 'the wasm reference could not be loaded (fp32: no fp32 kernels; q8: no q8 kernels)' });
    expect(loaded.reason).toContain('unverified');
    expect(log).toEqual(['load webgpu fp32', 'warm webgpu (check)', 'load wasm fp32', 'load wasm q8']);
    expect(live.now).toBe(1);
  });

  it("compares against wasm's own dtype when wasm cannot load the WebGPU weights", async () => {
    const { family, log } = scriptedFamily({ wasmRejects: ['fp32'] });
    const loaded = await loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    // Raw outputs of different weights say nothing: no false "differs", the model stays on WebGPU unverified.
    expect(loaded).toMatchObject({ device: 'webgpu', selfCheck: { outcome: 'unverified', evidence: 'fp32 on WebGPU vs q8 on wasm: different weights and no behaviour to compare' } });
    expect(log.slice(2)).toEqual(['load wasm fp32', 'load wasm q8', 'warm wasm (check)', 'dispose wasm q8']);
  });

  it('falls back to wasm when WebGPU fails to create a session or to warm up', async () => {
    const broken = scriptedFamily({ webgpuLoad: new Error('no adapter for session') });
    expect((await loadWithFallback(broken.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress)).reason).toBe(
      'WebGPU failed (no adapter for session); using wasm',
    );
    const lost = scriptedFamily({ webgpuWarmUp: new Error('device lost') });
    const loaded = await loadWithFallback(lost.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress);
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(lost.log).toContain('dispose webgpu fp32');
  });

  it('trusts a remembered verdict and shows its evidence, unless asked to check again', async () => {
    const verdict = { agrees: true, evidence: 'fp32 on both: relative error 1.0e-6 <= 0.01', checkedAtMs: 1 };
    const trusted = scriptedFamily();
    const loaded = await loadWithFallback(trusted.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU, verdict }, noProgress);
    expect(loaded.selfCheck).toEqual({ outcome: 'remembered', evidence: verdict.evidence });
    expect(trusted.log).toEqual(['load webgpu fp32', 'warm webgpu']);
    const rechecked = scriptedFamily();
    expect((await loadWithFallback(rechecked.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU, verdict, recheck: true }, noProgress)).newVerdict).toBeDefined();
    expect(rechecked.log).toContain('load wasm fp32');
  });

  it('checks one model at a time under a shared lock: never two copies of more than one model', async () => {
    let queue = Promise.resolve();
    const exclusive: Exclusive = (check) => {
      const run = queue.then(check);
      queue = run.then(() => undefined, () => undefined);
      return run;
    };
    const live = { now: 0, peak: 0 };
    const families = [scriptedFamily({}, live), scriptedFamily({ webgpuOutput: [1, 2, 6] }, live), scriptedFamily({}, live)];
    const loads = await Promise.all(families.map(({ family }) => loadWithFallback(family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU }, noProgress, { exclusive })));
    expect(loads.map((loaded) => loaded.device)).toEqual(['webgpu', 'wasm', 'webgpu']);
    // Three models, plus one reference at a time.
    expect(live).toEqual({ now: 3, peak: 4 });
  });
});

describe('a wasm reference run elsewhere (referenceOnWasm, then loadWithFallback with it)', () => {
  it('tries the WebGPU weights on wasm first, else wasm\'s own, and an f16 dtype only as wasm\'s own', () => {
    expect(referenceDtypes('fp32', 'q8')).toEqual(['fp32', 'q8']);
    expect(referenceDtypes('q8', 'q8')).toEqual(['q8']);
    expect(referenceDtypes('q4f16', 'q4')).toEqual(['q4']);
  });

  it('runs the reference alone and releases it; the WebGPU load judges by it without loading one, and keeps WebGPU when they agree', async () => {
    const referenceSide = scriptedFamily();
    const reference = await referenceOnWasm(referenceSide.family, 'm', referenceDtypes('fp32', 'q8'), noProgress);
    expect(referenceSide.log).toEqual(['load wasm fp32', 'warm wasm (check)', 'dispose wasm fp32']);
    expect(referenceSide.live.now).toBe(0);
    expect(reference).toMatchObject({ dtype: 'fp32', probe: { kind: 'raw' } });

    const gpuSide = scriptedFamily({ webgpuOutput: [1, 2, 4.0001] });
    const loaded = await loadWithFallback(gpuSide.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU, reference }, noProgress);
    expect(loaded).toMatchObject({ device: 'webgpu', dtype: 'fp32', selfCheck: { outcome: 'passed', evidence: 'fp32 on both: relative error 2.5e-5 <= 0.01' } });
    expect(loaded.newVerdict).toMatchObject({ agrees: true });
    expect(gpuSide.log).toEqual(['load webgpu fp32', 'warm webgpu (check)']);
  });

  it('moves a model that differs to its wasm dtype, and stays on WebGPU unverified when the reference could not be had', async () => {
    const reference = await referenceOnWasm(scriptedFamily().family, 'm', ['fp32', 'q8'], noProgress);
    const differs = scriptedFamily({ webgpuOutput: [1, 2, 6] });
    const moved = await loadWithFallback(differs.family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU, reference }, noProgress);
    expect(moved).toMatchObject({ device: 'wasm', dtype: 'q8', selfCheck: { outcome: 'failed' } });
    expect(differs.log).toEqual(['load webgpu fp32', 'warm webgpu (check)', 'dispose webgpu fp32', 'load wasm q8', 'warm wasm']);
    expect(differs.live.now).toBe(1);

    const none = await referenceOnWasm(scriptedFamily({ wasmRejects: ['fp32', 'q8'] }).family, 'm', ['fp32', 'q8'], noProgress);
    expect(none).toEqual({ unavailable: 'the wasm reference could not be loaded (fp32: no fp32 kernels; q8: no q8 kernels)' });
    const kept = await loadWithFallback(scriptedFamily().family, { modelId: 'm', dtypes: DTYPES, preference: 'auto', gpu: GPU, reference: none }, noProgress);
    expect(kept).toMatchObject({ device: 'webgpu', selfCheck: { outcome: 'unverified', evidence: 'the wasm reference could not be loaded (fp32: no fp32 kernels; q8: no q8 kernels)' } });
  });
});
