import type { DevicePreference, Device, Dtype, DtypeByDevice } from '../models/device/chooseDevice';
import type { GpuInfo } from '../models/device/gpuInfo';
import type { ReferenceProbe, SelfCheckReport } from '../models/loadModel';
import type { SelfCheckVerdict } from '../models/selfCheck/verdict';
import type { Method } from './protocol';

export interface ModelLoadRequest {
  /** The pack the model belongs to, named in errors about its files. */
  pack: string;
  modelId: string;
  dtypes: DtypeByDevice;
  preference: DevicePreference;
  /** Identifies the weights for remembered verdicts: the sha256 of the main file, or id + size. */
  fingerprint: string;
  /** Verdicts the page remembers, by verdictKey(adapter, fingerprint). */
  verdicts: Record<string, SelfCheckVerdict>;
  recheck: boolean;
  /** Test hook (offered by the page only under automation): corrupt this model's WebGPU output to exercise the fallback. */
  injectFault?: boolean;
  /**
   * The onnxruntime build the worker starts, fixed for the worker's life: `webgpu` runs both devices, `wasm` only wasm
   * but compiles in far less memory and time. The page starts `wasm` where this model will not run on WebGPU.
   */
  runtime: Device;
  /** That runtime as the page compiled it once for every worker; absent: the worker compiles its own. */
  ortRuntime?: WebAssembly.Module;
  /** The self-check's wasm reference, run by the page in a worker it then ended; absent: the check loads it here. */
  reference?: ReferenceProbe;
}

/** A self-check's wasm reference, run alone in a worker the page ends afterwards. */
export type ReferenceRequest = Pick<ModelLoadRequest, 'pack' | 'modelId' | 'ortRuntime'> & {
  /** The dtypes to try in turn (referenceDtypes). */
  dtypes: Dtype[];
};

export interface ModelLoadResult {
  device: Device;
  dtype: Dtype;
  reason: string;
  /** What the self-check concluded and on what evidence, or null when none ran. */
  selfCheck: SelfCheckReport | null;
  /** The WebGPU adapter the worker saw, or null without one. */
  gpu: GpuInfo | null;
  /** A verdict reached during this load, for the page to remember. */
  newVerdict: { key: string; verdict: SelfCheckVerdict } | null;
  loadMs: number;
  warmUpMs: number;
}

/** Every model worker can load its model; family-specific methods come with each family. */
export type ModelWorkerApi = {
  load: Method<ModelLoadRequest, ModelLoadResult>;
  referenceProbe: Method<ReferenceRequest, ReferenceProbe>;
};

/** Every model worker also serves this test hook (the page exposes it only under automation). */
export type GpuDeviceTestApi = {
  /** Destroys the worker's GPU device, as a driver reset would lose it; false without one. */
  destroyGpuDevice: Method<null, boolean>;
};
