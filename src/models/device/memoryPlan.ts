// Before anything downloads: what each model of a pack will hold on the device it would run on, against what the
// browser offers (navigator.deviceMemory, the 4 GB wasm32 heap of each worker, the adapter's buffer limits).
import { chooseDevice, type Device, type DevicePreference } from './chooseDevice';
import type { GpuInfo } from './gpuInfo';
import { fileRunsWith, moduleOfFile, type Manifest, type ModelComponent, type ModelFile } from '../manifest';

const GIB = 2 ** 30;
const MIB = 2 ** 20;
/** A wasm32 worker addresses at most 4 GiB, its runtime and buffers included. */
export const WASM_HEAP_BYTES = 4 * GIB;
/** The share of navigator.deviceMemory a page may plan for: the OS, the browser and other tabs need the rest. */
export const PAGE_SHARE_OF_DEVICE_MEMORY = 0.5;
/**
 * The page and its workers with their runtimes before any model, plus what loading leaves for the collector; and the
 * weights held with the runtime's own copies (prepacked kernels, arena) over the file size. Fitted to first visits on
 * wasm (Chromium, page and workers, peak Pss): tiny 751 MB, scale-lite 2459-2480 MB, scale-default 3847 MB, which lie
 * within 1% of 740 MB + 1.3 x the files. The WebGPU factor is for GPU memory, which the page's memory does not hold.
 */
export const RUNTIME_BASELINE_BYTES = 740 * MIB;
const RUNTIME_FACTOR: Record<Device, number> = { wasm: 1.3, webgpu: 1.1 };
/** KV cache (a 2048-token prompt) and activations per role: more for the autoregressive models. */
const WORKING_BYTES: Record<string, number> = { asr: 96 * MIB, llm: 192 * MIB, speech_llm: 192 * MIB, tts: 128 * MIB };
/** Above this a language model on wasm answers too slowly to converse (about a token a second on two threads). */
export const WASM_LLM_MAX_BYTES = 1.2 * GIB;

export interface MemoryBudget {
  /** navigator.deviceMemory in bytes, or null where the browser does not say. */
  deviceMemoryBytes: number | null;
  gpu: GpuInfo | null;
  preference: DevicePreference;
}

export interface ModelEstimate {
  role: string;
  device: Device;
  filesBytes: number;
  /** Its KV cache and activations while it runs, beside what loading it holds. */
  workingBytes: number;
  estimateBytes: number;
}

export interface PackPlan {
  pack: string;
  models: ModelEstimate[];
  /** What the page's process holds at its peak: the runtime's baseline, wasm models, plus the largest self-check reference. */
  peakCpuBytes: number;
  /** Why this pack will not run well here; empty when it fits. */
  problems: string[];
  /** The pack would fit if the browser offered WebGPU. */
  needsWebGpu: boolean;
}

const ROLES = ['asr', 'llm', 'tts', 'speech_llm'] as const;
/** Components that always run on wasm beside those models: the voice detector, the ES4R graphs, a style encoder. */
const ON_WASM_ALWAYS = ['vad', 'es4r', 'style_encoder'] as const;
const gb = (bytes: number) => `${(bytes / GIB).toFixed(1)} GB`;

/** A size the hub has not listed yet counts as the largest listed dtype of the same graph: an estimate, never 0. */
function sizeOrEstimate(file: ModelFile, component: ModelComponent): number {
  if (file.sizeBytes !== null || !file.dtype) return file.sizeBytes ?? 0;
  const module = moduleOfFile(file);
  const listed = component.files.filter((other) => other.dtype && other.sizeBytes !== null && moduleOfFile(other) === module);
  return Math.max(0, ...listed.map((other) => other.sizeBytes!));
}

function filesBytes(component: ModelComponent, dtype: ModelComponent['dtype']['wasm']): number {
  return component.files.filter((file) => fileRunsWith(file, [dtype])).reduce((sum, file) => sum + sizeOrEstimate(file, component), 0);
}

function estimate(role: string, component: ModelComponent, device: Device, dtype: ModelComponent['dtype']['wasm']): ModelEstimate {
  const bytes = filesBytes(component, dtype);
  const workingBytes = WORKING_BYTES[role] ?? 32 * MIB;
  return { role, device, filesBytes: bytes, workingBytes, estimateBytes: bytes * RUNTIME_FACTOR[device] + workingBytes };
}

/** Estimates a pack on this device, with a self-check's wasm reference counted for the largest WebGPU model. */
export function planPack(manifest: Manifest, pack: string, budget: MemoryBudget): PackPlan {
  const components = manifest.packs[pack]!.components;
  const models: ModelEstimate[] = [];
  let largestReference = 0;
  for (const role of ROLES) {
    const component = components[role];
    if (!component) continue;
    const choice = chooseDevice(component.dtype, budget.gpu, budget.preference);
    models.push(estimate(role, component, choice.device, choice.dtype as ModelComponent['dtype']['wasm']));
    if (choice.device === 'webgpu') largestReference = Math.max(largestReference, estimate(role, component, 'wasm', component.dtype.wasm).estimateBytes);
  }
  for (const role of ON_WASM_ALWAYS) {
    const component = components[role];
    if (component) models.push(estimate(role, component, 'wasm', component.dtype.wasm));
  }
  const wasmBytes = models.filter((model) => model.device === 'wasm').reduce((sum, model) => sum + model.estimateBytes, 0);
  const peakCpuBytes = RUNTIME_BASELINE_BYTES + wasmBytes + largestReference;
  const problems: string[] = [];
  for (const model of models) {
    if (model.device !== 'wasm') continue;
    if (model.estimateBytes > WASM_HEAP_BYTES) problems.push(`its ${model.role} model needs about ${gb(model.estimateBytes)} on wasm, more than a worker's 4 GB heap`);
    else if ((model.role === 'llm' || model.role === 'speech_llm') && model.filesBytes > WASM_LLM_MAX_BYTES) problems.push(`its ${model.role} model (${gb(model.filesBytes)}) is too slow to converse on wasm`);
  }
  const limit = budget.deviceMemoryBytes === null ? null : budget.deviceMemoryBytes * PAGE_SHARE_OF_DEVICE_MEMORY;
  if (limit !== null && peakCpuBytes > limit) problems.push(`it needs about ${gb(peakCpuBytes)} of memory, and this device offers ${gb(limit)} to a page`);
  const needsWebGpu = budget.gpu === null && problems.length > 0 && models.some((model) => model.device === 'wasm');
  return { pack, models, peakCpuBytes, problems, needsWebGpu };
}

/** The wanted pack if it fits, else the first installed one that does, with words for the panel. */
export function choosePackThatFits(manifest: Manifest, installed: readonly string[], wanted: string, budget: MemoryBudget): { pack: string; advice: string | null } {
  const plan = planPack(manifest, wanted, budget);
  if (plan.problems.length === 0) return { pack: wanted, advice: null };
  const why = `${plan.problems.join('; ')}${plan.needsWebGpu ? ' (it needs WebGPU, which this browser does not offer)' : ''}`;
  const fitting = installed.find((pack) => pack !== wanted && planPack(manifest, pack, budget).problems.length === 0);
  if (fitting) return { pack: fitting, advice: `Pack ${wanted} does not fit this device: ${why}. Using ${fitting}, which does.` };
  return { pack: wanted, advice: `Pack ${wanted} may not fit this device: ${why}. No installed pack fits better; install the lite pack (npm run models -- lite).` };
}
