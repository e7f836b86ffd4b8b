import type { StateCreator } from 'zustand';
import type { Device, Dtype } from '../models/device/chooseDevice';
import type { GpuInfo } from '../models/device/gpuInfo';
import type { SelfCheckReport } from '../models/loadModel';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';
/** The models that run in their own worker; speech_llm (ES4R's embeddings-in LLM) only in packs that have one. */
export type ModelRole = 'asr' | 'llm' | 'tts' | 'speech_llm';

/** ES4R's speech path: its graphs beside Whisper (front, adapter) and beside the speech LLM (cross-attention). */
export interface SpeechPathState {
  status: 'absent' | 'loading' | 'ready' | 'error';
  /** What the user should know: why it is absent, or the error. */
  detail: string | null;
  /** Where the ES4R component's weights come from (describeSource), once it is loading. */
  source?: string;
}

export interface FileLoad {
  loadedBytes: number;
  totalBytes?: number;
}

export interface ComponentLoad {
  modelId: string;
  /** Where the weights come from (describeSource): repository and revision, or the generator. */
  source?: string;
  status: ModelStatus;
  /** Per-file progress, keyed by file name as transformers.js reports it. */
  files: Record<string, FileLoad>;
  device?: Device;
  dtype?: Dtype;
  /** Why this device: the adapter, a setting, a failed self-check. */
  reason?: string;
  /** The WebGPU self-check's outcome and evidence, when one ran or was remembered. */
  selfCheck?: SelfCheckReport | null;
  error?: string;
  loadMs?: number;
}

export interface PackState {
  status: 'probing' | 'none' | 'chosen';
  /** Complete packs on this origin, in order of preference. */
  available: string[];
  chosen: string | null;
  totalBytes: number | null;
  /** What the user can do when no pack is present. */
  advice: string | null;
}

export interface ModelsSlice {
  /** Every file of the chosen pack sits in Cache Storage: the page works offline from now on. */
  packOffline: boolean;
  vadStatus: ModelStatus;
  /** The VAD's loading error, with the file and what to run. */
  vadError: string | null;
  pack: PackState;
  components: Partial<Record<ModelRole, ComponentLoad>>;
  speechPath: SpeechPathState;
  /** The WebGPU adapter the model workers found; null when there is none, undefined before a load. */
  gpu: GpuInfo | null | undefined;
}

export const createModelsSlice: StateCreator<ModelsSlice, [], [], ModelsSlice> = () => ({
  packOffline: false,
  vadStatus: 'idle',
  vadError: null,
  pack: { status: 'probing', available: [], chosen: null, totalBytes: null, advice: null },
  components: {},
  speechPath: { status: 'absent', detail: null },
  gpu: undefined,
});
