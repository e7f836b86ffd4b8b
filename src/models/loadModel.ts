import { chooseDevice, type Device, type DevicePreference, type Dtype, type DtypeByDevice, type RuntimeDevice } from './device/chooseDevice';
import type { GpuInfo } from './device/gpuInfo';
import { compareOutputs } from './selfCheck/compareOutputs';
import type { SelfCheckVerdict } from './selfCheck/verdict';
import { errorMessage } from '../errorMessage';

export interface FileProgress {
  file: string;
  loadedBytes: number;
  totalBytes?: number;
}

/** How one model family loads, warms up and is released; the same code runs in Node and in workers. */
export interface ModelFamily<M> {
  load(modelId: string, device: RuntimeDevice, dtype: Dtype, onFileProgress: (progress: FileProgress) => void): Promise<M>;
  /** A deterministic run that compiles shaders; its outputs are what the self-check compares. */
  warmUp(model: M): Promise<Float32Array[]>;
  dispose(model: M): Promise<void>;
  /** Relative error allowed between WebGPU and wasm warm-up outputs with the same weights. */
  selfCheckTolerance: number;
}

export interface LoadRequest {
  modelId: string;
  dtypes: DtypeByDevice;
  preference: DevicePreference;
  gpu: GpuInfo | null;
  /** A verdict remembered for this adapter and model file, if any. */
  verdict?: SelfCheckVerdict;
  /** Run the self-check again even if a verdict is known. */
  recheck?: boolean;
}

export interface LoadedModel<M> {
  model: M;
  device: Device;
  dtype: Dtype;
  reason: string;
  /** A verdict from a self-check run during this load, to be remembered by the caller. */
  newVerdict?: SelfCheckVerdict;
  warmUpMs: number;
}


async function loadAndWarm<M>(family: ModelFamily<M>, modelId: string, device: Device, dtype: Dtype, onProgress: (p: FileProgress) => void) {
  const model = await family.load(modelId, device, dtype, onProgress);
  try {
    const startMs = performance.now();
    const outputs = await family.warmUp(model);
    return { model, outputs, warmUpMs: performance.now() - startMs };
  } catch (error) {
    await family.dispose(model);
    throw error;
  }
}

/**
 * Loads a model on the chosen device, falling back to wasm when WebGPU fails to create a
 * session or to warm up. The first time a model runs on an adapter, its warm-up also runs
 * on wasm and WebGPU is kept only if both agree (the native WebGPU EP miscomputes some Convs).
 */
export async function loadWithFallback<M>(family: ModelFamily<M>, request: LoadRequest, onProgress: (p: FileProgress) => void): Promise<LoadedModel<M>> {
  const { modelId, dtypes } = request;
  const known = request.recheck ? undefined : request.verdict;
  const choice = chooseDevice(dtypes, request.gpu, request.preference, known);
  if (choice.device === 'wasm') {
    const loaded = await loadAndWarm(family, modelId, 'wasm', choice.dtype, onProgress);
    return { model: loaded.model, device: 'wasm', dtype: choice.dtype, reason: choice.reason, warmUpMs: loaded.warmUpMs };
  }

  let gpu: Awaited<ReturnType<typeof loadAndWarm<M>>>;
  try {
    gpu = await loadAndWarm(family, modelId, 'webgpu', choice.dtype, onProgress);
  } catch (error) {
    const loaded = await loadAndWarm(family, modelId, 'wasm', dtypes.wasm, onProgress);
    return { model: loaded.model, device: 'wasm', dtype: dtypes.wasm, reason: `WebGPU failed (${errorMessage(error)}); using wasm`, warmUpMs: loaded.warmUpMs };
  }
  if (known?.agrees || request.preference === 'webgpu') {
    return { model: gpu.model, device: 'webgpu', dtype: choice.dtype, reason: choice.reason, warmUpMs: gpu.warmUpMs };
  }

  // Same weights on both sides where wasm can run them, so the tolerance can stay tight.
  let reference: Awaited<ReturnType<typeof loadAndWarm<M>>>;
  let referenceDtype = choice.dtype;
  try {
    reference = await loadAndWarm(family, modelId, 'wasm', referenceDtype, onProgress);
  } catch {
    referenceDtype = dtypes.wasm;
    reference = await loadAndWarm(family, modelId, 'wasm', referenceDtype, onProgress);
  }
  const comparison = compareOutputs(gpu.outputs, reference.outputs);
  const newVerdict: SelfCheckVerdict = {
    agrees: comparison.mismatch === null && comparison.relativeError <= family.selfCheckTolerance,
    relativeError: comparison.relativeError,
    tolerance: family.selfCheckTolerance,
    checkedAtMs: Date.now(),
  };
  if (newVerdict.agrees) {
    await family.dispose(reference.model);
    return { model: gpu.model, device: 'webgpu', dtype: choice.dtype, reason: `${choice.reason}; self-check passed`, newVerdict, warmUpMs: gpu.warmUpMs };
  }
  await family.dispose(gpu.model);
  const why = comparison.mismatch ?? `relative error ${comparison.relativeError.toExponential(1)} > ${family.selfCheckTolerance}`;
  return {
    model: reference.model,
    device: 'wasm',
    dtype: referenceDtype,
    reason: `WebGPU output differs from wasm on this GPU (${why}); using wasm`,
    newVerdict,
    warmUpMs: reference.warmUpMs,
  };
}
