// What the assistant needs from the world, passed in by whoever builds it: the page (browserPorts.ts) or a Node
// test (in-process workers, a fake microphone and speaker, a map for storage, a clock it controls).
import type { Capture, CaptureOptions } from '../audio/capture';
import type { Player } from '../audio/playback';
import type { Device } from '../models/device/chooseDevice';
import type { GpuInfo } from '../models/device/gpuInfo';
import type { KeyValueStorage } from '../state/keyValueStorage';
import type { ModelRole } from '../state/modelsSlice';
import type { AppStore } from '../state/store';

/** A worker as the assistant uses it: a Worker, or an in-process one in Node tests. */
export interface WorkerHandle {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

export interface WorkerStarter {
  /** A fresh worker for one model role (two roles may share the code, never the worker). */
  model(role: ModelRole): WorkerHandle;
  /** The worker that runs the voice detector and the turn logic on the microphone's features. */
  listen(): WorkerHandle;
}

export interface Clock {
  /** Monotonic milliseconds (performance.now() on the page). */
  nowMs(): number;
  /** Wall-clock milliseconds since the epoch, for records people read. */
  wallMs(): number;
}

export interface AudioPorts {
  /** Readies the microphone's audio graph ahead of Talk; may do nothing. */
  prepareCapture(): void;
  startCapture(options: CaptureOptions): Promise<Capture>;
  createPlayer(): Promise<Player>;
}

/** Where the models come from and what the device offers them. */
export interface ModelSource {
  /** The manifest and every pack's files live under this URL (ends with '/'). */
  modelsUrl: string;
  vadModelUrl: string;
  fetch: typeof fetch;
  /** The browser's CacheStorage, or null where there is none. */
  caches: CacheStorage | null;
  deviceMemoryBytes: number | null;
  detectGpu(): Promise<GpuInfo | null>;
  /** onnxruntime's wasm runtime for a device, compiled once for every model worker (sharedOrtWasm.ts); null: each compiles its own. */
  ortRuntime(device: Device): Promise<WebAssembly.Module | null>;
}

export interface PageContext {
  /** The page's URL: ?study= opens a study, and under automation ?selfCheckFault= injects faults. */
  href: string;
  /** True under automation (navigator.webdriver): only then are test hooks honoured. */
  automation: boolean;
  userAgent: string;
}

export interface AssistantPorts {
  workers: WorkerStarter;
  store: AppStore;
  clock: Clock;
  storage: KeyValueStorage;
  audio: AudioPorts;
  models: ModelSource;
  page: PageContext;
}
