// The page's side of the ports: real workers, the microphone and speakers through Web Audio, localStorage.
import { prepareCapture, startCapture } from '../audio/capture';
import { createPlayer } from '../audio/playback';
import type { Device } from '../models/device/chooseDevice';
import { detectGpu } from '../models/device/gpuInfo';
import { ortBuildFor } from '../models/ortWasmPaths';
import { compileOrtWasm } from '../models/runtime/sharedOrtWasm';
import type { ModelRole } from '../state/modelsSlice';
import { createAppStore } from '../state/store';
import type { AssistantPorts } from './ports';

/** Literal `new Worker(new URL(...))` per family, so Vite bundles each worker. */
const START_MODEL_WORKER: Record<ModelRole, () => Worker> = {
  asr: () => new Worker(new URL('../workers/asr.worker.ts', import.meta.url), { type: 'module', name: 'asr' }),
  llm: () => new Worker(new URL('../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' }),
  tts: () => new Worker(new URL('../workers/tts.worker.ts', import.meta.url), { type: 'module', name: 'tts' }),
  // The same worker code as the text LLM, in a worker of its own: both models stay loaded.
  speech_llm: () => new Worker(new URL('../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'speech_llm' }),
};

export function browserPorts(): AssistantPorts {
  const modelsUrl = `${import.meta.env.BASE_URL}models/`;
  const deviceMemoryGb = (navigator as { deviceMemory?: number }).deviceMemory;
  const ortRuntimes: Partial<Record<Device, Promise<WebAssembly.Module | null>>> = {};
  return {
    workers: {
      model: (role) => START_MODEL_WORKER[role](),
      listen: () => new Worker(new URL('../workers/listen.worker.ts', import.meta.url), { type: 'module', name: 'listen' }),
    },
    store: createAppStore(localStorage),
    clock: { nowMs: () => performance.now(), wallMs: () => Date.now() },
    storage: localStorage,
    audio: { prepareCapture, startCapture, createPlayer },
    models: {
      modelsUrl,
      vadModelUrl: `${modelsUrl}vad/silero_vad_v5.onnx`,
      fetch: (input, init) => fetch(input, init),
      caches: typeof caches === 'undefined' ? null : caches,
      deviceMemoryBytes: deviceMemoryGb ? deviceMemoryGb * 2 ** 30 : null,
      detectGpu: () => detectGpu(),
      // On the first model load, not before: the voice detector's worker compiles its own at once, for Talk.
      ortRuntime: (device) => (ortRuntimes[device] ??= compileOrtWasm(ortBuildFor(device)).catch(() => null)),
    },
    page: { href: location.href, automation: navigator.webdriver, userAgent: navigator.userAgent },
  };
}
