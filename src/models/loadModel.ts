import { chooseDevice, type Device, type DevicePreference, type Dtype, type DtypeByDevice, type RuntimeDevice } from './device/chooseDevice';
import type { GpuInfo } from './device/gpuInfo';
import { dtypeLabel, judgeProbes, type Judgement } from './selfCheck/judgeProbes';
import type { SelfCheckProbe } from './selfCheck/probe';
import type { SelfCheckVerdict } from './selfCheck/verdict';
import { errorMessage } from '../errorMessage';

export interface FileProgress {
  file: string;
  loadedBytes: number;
  totalBytes?: number;
}

/** Why a warm-up runs: only a self-check needs the long, behaviour-revealing input. */
export interface WarmUpOptions {
  forSelfCheck: boolean;
}

/** How one model family loads, warms up and is released; the same code runs in Node and in workers. */
export interface ModelFamily<M> {
  load(modelId: string, device: RuntimeDevice, dtype: Dtype, onFileProgress: (progress: FileProgress) => void): Promise<M>;
  /** A deterministic run that compiles shaders; its outputs, as float32, are what the self-check compares. */
  warmUp(model: M, options?: WarmUpOptions): Promise<SelfCheckProbe>;
  dispose(model: M): Promise<void>;
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
  /** False when the runtime this process started cannot run WebGPU (onnxruntime's wasm-only build); default true. */
  webGpuInRuntime?: boolean;
  /** The self-check's wasm reference, computed in another process whose heap is gone; absent: it loads here. */
  reference?: ReferenceProbe;
}

/** A wasm reference run (referenceOnWasm), or why none could be had. */
export type ReferenceProbe = { probe: SelfCheckProbe; dtype: Dtype } | { unavailable: string };

/** What the self-check concluded for this load, with its evidence. */
export interface SelfCheckReport {
  outcome: 'passed' | 'failed' | 'unverified' | 'remembered';
  evidence: string;
}

export interface LoadedModel<M> {
  model: M;
  device: Device;
  dtype: Dtype;
  reason: string;
  /** Null when no check ran (wasm chosen, WebGPU forced, or WebGPU failed to load). */
  selfCheck: SelfCheckReport | null;
  /** A verdict from a self-check run during this load, to be remembered by the caller. */
  newVerdict?: SelfCheckVerdict;
  warmUpMs: number;
}

/** Runs `check` while no other model's check holds a second copy (a Web Lock across workers); by default at once. */
export type Exclusive = <T>(check: () => Promise<T>) => Promise<T>;

export interface LoadOptions {
  exclusive?: Exclusive;
}

interface Warmed<M> {
  model: M;
  probe: SelfCheckProbe;
  warmUpMs: number;
}

async function loadAndWarm<M>(family: ModelFamily<M>, modelId: string, device: Device, dtype: Dtype, forSelfCheck: boolean, onProgress: (p: FileProgress) => void): Promise<Warmed<M>> {
  const model = await family.load(modelId, device, dtype, onProgress);
  try {
    const startMs = performance.now();
    const probe = await family.warmUp(model, { forSelfCheck });
    return { model, probe, warmUpMs: performance.now() - startMs };
  } catch (error) {
    await family.dispose(model);
    throw error;
  }
}

function sameDtype(a: Dtype, b: Dtype): boolean {
  return dtypeLabel(a) === dtypeLabel(b);
}

/** wasm has no float16 kernels worth the name: an f16 dtype is checked against wasm's own dtype by behaviour. */
function wasmRuns(dtype: Dtype): boolean {
  return !(typeof dtype === 'string' ? [dtype] : Object.values(dtype)).some((name) => name.includes('f16'));
}

type CheckResult<M> = { judgement: Judgement; wasm?: Warmed<M>; referenceDtype: Dtype } | { unverified: string };

/** Whether a model going to WebGPU is checked against wasm: not when WebGPU was asked for, nor when it agreed before. */
export function willSelfCheck(preference: DevicePreference, verdict: SelfCheckVerdict | undefined): boolean {
  return !verdict?.agrees && preference !== 'webgpu';
}

/** The dtypes a WebGPU dtype's wasm reference tries in turn: the same weights when wasm runs them, else wasm's own. */
export function referenceDtypes(gpuDtype: Dtype, wasmDtype: Dtype): Dtype[] {
  return wasmRuns(gpuDtype) && !sameDtype(gpuDtype, wasmDtype) ? [gpuDtype, wasmDtype] : [wasmRuns(gpuDtype) ? gpuDtype : wasmDtype];
}

/** The first of `dtypes` that loads and warms up on wasm as a self-check's reference, or why none did. */
async function loadReference<M>(family: ModelFamily<M>, modelId: string, dtypes: readonly Dtype[], onProgress: (p: FileProgress) => void): Promise<{ reference: Warmed<M>; dtype: Dtype } | { unavailable: string }> {
  const failures: string[] = [];
  for (const dtype of dtypes) {
    try {
      return { reference: await loadAndWarm(family, modelId, 'wasm', dtype, true, onProgress), dtype };
    } catch (error) {
      failures.push(`${dtypeLabel(dtype)}: ${errorMessage(error)}`);
    }
  }
  return { unavailable: `the wasm reference could not be loaded (${failures.join('; ')})` };
}

/**
 * The self-check's wasm reference alone, for a process that is ended afterwards: a wasm heap never shrinks, so a
 * reference loaded beside the WebGPU model would leave its high-water mark in that worker for the whole visit.
 */
export async function referenceOnWasm<M>(family: ModelFamily<M>, modelId: string, dtypes: readonly Dtype[], onProgress: (p: FileProgress) => void): Promise<ReferenceProbe> {
  const loaded = await loadReference(family, modelId, dtypes, onProgress);
  if ('unavailable' in loaded) return loaded;
  await family.dispose(loaded.reference.model);
  return { probe: loaded.reference.probe, dtype: loaded.dtype };
}

/** The WebGPU run judged against a reference's probe; unverified when the two cannot be compared. */
function judge(gpuProbe: SelfCheckProbe, gpuDtype: Dtype, probe: SelfCheckProbe, referenceDtype: Dtype): { judgement: Judgement } | { unverified: string } {
  const judgement = judgeProbes(gpuProbe, probe, { candidateDtype: gpuDtype, referenceDtype, sameWeights: sameDtype(gpuDtype, referenceDtype) });
  return judgement.comparable ? { judgement } : { unverified: judgement.evidence };
}

/** Judges the WebGPU run against a reference run elsewhere; a model that differs is released, for wasm to load its own dtype. */
async function checkAgainstReference<M>(family: ModelFamily<M>, gpu: Warmed<M>, gpuDtype: Dtype, reference: ReferenceProbe): Promise<CheckResult<M>> {
  if ('unavailable' in reference) return { unverified: reference.unavailable };
  const verdict = judge(gpu.probe, gpuDtype, reference.probe, reference.dtype);
  if ('unverified' in verdict) return verdict;
  if (!verdict.judgement.agrees) await family.dispose(gpu.model);
  return { judgement: verdict.judgement, referenceDtype: reference.dtype };
}

/**
 * Loads the wasm reference (the WebGPU dtype when wasm runs it, else wasm's own), compares, and releases every
 * copy but the one that will run: on return at most one copy of this model is held.
 */
async function checkAgainstWasm<M>(family: ModelFamily<M>, modelId: string, gpu: Warmed<M>, gpuDtype: Dtype, wasmDtype: Dtype, onProgress: (p: FileProgress) => void): Promise<CheckResult<M>> {
  const loaded = await loadReference(family, modelId, referenceDtypes(gpuDtype, wasmDtype), onProgress);
  if ('unavailable' in loaded) return { unverified: loaded.unavailable };
  const { reference, dtype: referenceDtype } = loaded;
  const verdict = judge(gpu.probe, gpuDtype, reference.probe, referenceDtype);
  if ('unverified' in verdict) {
    await family.dispose(reference.model);
    return verdict;
  }
  const { judgement } = verdict;
  if (judgement.agrees || !sameDtype(referenceDtype, wasmDtype)) {
    await family.dispose(reference.model);
    if (!judgement.agrees) await family.dispose(gpu.model);
    return { judgement, referenceDtype };
  }
  // The reference is the wasm model that will run: no second load.
  await family.dispose(gpu.model);
  return { judgement, referenceDtype, wasm: reference };
}

/**
 * Loads a model on the chosen device, falling back to wasm when WebGPU fails to create a session or to
 * warm up. The first time a model runs on an adapter, its WebGPU run is checked against wasm (the native
 * WebGPU EP miscomputes some Convs); a model that differs moves to its wasm dtype, and one whose reference
 * cannot load stays on WebGPU, unverified. Nothing here throws unless wasm itself cannot load the model.
 */
export async function loadWithFallback<M>(family: ModelFamily<M>, request: LoadRequest, onProgress: (p: FileProgress) => void, options: LoadOptions = {}): Promise<LoadedModel<M>> {
  const { modelId, dtypes } = request;
  const exclusive: Exclusive = options.exclusive ?? ((check) => check());
  const known = request.recheck ? undefined : request.verdict;
  const choice = chooseDevice(dtypes, request.gpu, request.preference, known);
  const onWasm = async (reason: string, selfCheck: SelfCheckReport | null, newVerdict?: SelfCheckVerdict): Promise<LoadedModel<M>> => {
    const loaded = await loadAndWarm(family, modelId, 'wasm', dtypes.wasm, false, onProgress);
    return { model: loaded.model, device: 'wasm', dtype: dtypes.wasm, reason, selfCheck, ...(newVerdict ? { newVerdict } : {}), warmUpMs: loaded.warmUpMs };
  };
  if (choice.device === 'wasm') {
    return onWasm(choice.reason, known && !known.agrees ? { outcome: 'remembered', evidence: known.evidence } : null);
  }
  // The page starts the wasm-only runtime where it saw no use for WebGPU; a worker that sees otherwise stays on wasm.
  if (request.webGpuInRuntime === false) return onWasm('the page started this model without WebGPU, having found no use for it', null);

  const willCheck = willSelfCheck(request.preference, known);
  let gpu: Warmed<M>;
  try {
    gpu = await loadAndWarm(family, modelId, 'webgpu', choice.dtype, willCheck, onProgress);
  } catch (error) {
    return onWasm(`WebGPU failed (${errorMessage(error)}); using wasm`, null);
  }
  const onGpu = (reason: string, selfCheck: SelfCheckReport | null, newVerdict?: SelfCheckVerdict): LoadedModel<M> =>
    ({ model: gpu.model, device: 'webgpu', dtype: choice.dtype, reason, selfCheck, ...(newVerdict ? { newVerdict } : {}), warmUpMs: gpu.warmUpMs });
  if (known?.agrees) return onGpu(choice.reason, { outcome: 'remembered', evidence: known.evidence });
  if (!willCheck) return onGpu(choice.reason, null);

  const { reference } = request;
  const check = reference
    ? await checkAgainstReference(family, gpu, choice.dtype, reference)
    : await exclusive(() => checkAgainstWasm(family, modelId, gpu, choice.dtype, dtypes.wasm, onProgress));
  if ('unverified' in check) return onGpu(`${choice.reason}; unverified: ${check.unverified}`, { outcome: 'unverified', evidence: check.unverified });
  const { judgement } = check;
  const newVerdict: SelfCheckVerdict = { agrees: judgement.agrees, evidence: judgement.evidence, checkedAtMs: Date.now() };
  if (judgement.agrees) return onGpu(`${choice.reason}; self-check passed`, { outcome: 'passed', evidence: judgement.evidence }, newVerdict);
  const reason = `WebGPU output differs from wasm on this GPU (${judgement.evidence}); using wasm`;
  const selfCheck: SelfCheckReport = { outcome: 'failed', evidence: judgement.evidence };
  if (!check.wasm) return onWasm(reason, selfCheck, newVerdict);
  return { model: check.wasm.model, device: 'wasm', dtype: dtypes.wasm, reason, selfCheck, newVerdict, warmUpMs: check.wasm.warmUpMs };
}
