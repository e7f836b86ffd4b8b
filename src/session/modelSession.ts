import { MODEL_CACHE_NAME } from '../models/cachedModelFile';
import { describeSource } from '../models/describeSource';
import type { Dtype } from '../models/device/chooseDevice';
import { detectGpu } from '../models/device/gpuInfo';
import { choosePackThatFits, type MemoryBudget } from '../models/device/memoryPlan';
import { packFilesThatRun, parseManifest, type Manifest, type ModelComponent } from '../models/manifest';
import { cachePackFiles } from '../models/packCache';
import { probePacks } from '../models/packProbe';
import { packRemedy } from '../models/runtime/packRemedy';
import { componentChanged, componentFileProgress, conversationNoticeChanged, gpuDetected, packOfflineChanged, packProbed, speechPathChanged } from '../state/actions';
import type { ModelRole } from '../state/modelsSlice';
import { useStore } from '../state/store';
import { WorkerClient } from '../workers/client';
import type { AsrWorkerApi } from '../workers/asrApi';
import type { LlmWorkerApi } from '../workers/llmApi';
import type { ModelWorkerApi } from '../workers/modelApi';
import type { TtsWorkerApi } from '../workers/ttsApi';
import { forgetVerdicts, readVerdicts, rememberVerdict } from './verdictMemory';
import { errorMessage } from '../errorMessage';
import type { WorkerEvent } from '../workers/protocol';
import { deviceLossHandler } from './deviceLossSession';

const MODELS_URL = `${import.meta.env.BASE_URL}models/`;
const ROLES: readonly ModelRole[] = ['asr', 'llm', 'tts', 'speech_llm'];
/** Progress reaches the store at most this often per file, so the panel does not re-render per chunk. */
const PROGRESS_INTERVAL_MS = 100;

/** Literal `new Worker(new URL(...))` per family, so Vite bundles each worker. */
const START_WORKER: Record<ModelRole, () => Worker> = {
  asr: () => new Worker(new URL('../workers/asr.worker.ts', import.meta.url), { type: 'module', name: 'asr' }),
  llm: () => new Worker(new URL('../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' }),
  tts: () => new Worker(new URL('../workers/tts.worker.ts', import.meta.url), { type: 'module', name: 'tts' }),
  // The same worker code as the text LLM, in a worker of its own: both models stay loaded.
  speech_llm: () => new Worker(new URL('../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'speech_llm' }),
};

/** Each family's worker speaks `load` plus its own methods. */
type RoleApis = { asr: AsrWorkerApi; llm: LlmWorkerApi; tts: TtsWorkerApi; speech_llm: LlmWorkerApi };
const clients: { [R in ModelRole]?: WorkerClient<RoleApis[R]> } = {};
const workers: Partial<Record<ModelRole, Worker>> = {};
/** The workers' device-loss events restart them (restartModelWorker is hoisted). */
const workerEventHeard = deviceLossHandler(restartModelWorker);
/** The pack whose models the workers hold, for reloading one worker's model. */
let loadedPack: { name: string; components: Manifest['packs'][string]['components'] } | null = null;

/** The chosen pack's voices: where their files are and the presets per strategy. */
export interface PackVoices {
  voicesUrl: string;
  presets: NonNullable<Manifest['packs'][string]['components']['tts']['voices']>;
}
let packVoices: PackVoices | null = null;

export function chosenPackVoices(): PackVoices | null {
  return packVoices;
}

/** True once the chosen pack's style encoder runs in the TTS worker (only packs that install one). */
let styleEncoderLoaded = false;

export function styleEncoderReady(): boolean {
  return styleEncoderLoaded;
}

/** The style encoder lives in the TTS worker, beside the voice it shapes. */
async function loadStyleEncoder(component: ModelComponent | undefined): Promise<void> {
  styleEncoderLoaded = false;
  if (!component || useStore.getState().components.tts?.status !== 'ready') return;
  try {
    await modelClient('tts').call('loadStyleEncoder', { modelUrl: `${MODELS_URL}${component.modelId}/onnx/model.onnx` });
    styleEncoderLoaded = true;
  } catch (error) {
    conversationNoticeChanged(`The style encoder could not be loaded (${errorMessage(error)}); replies use the voice presets.`);
  }
}

export function modelClient<R extends ModelRole>(role: R): WorkerClient<RoleApis[R]> {
  const existing = clients[role];
  if (existing) return existing;
  const worker = START_WORKER[role]();
  // Unasked events (request id 0), e.g. a lost GPU device, go to deviceLossSession.
  worker.addEventListener('message', (event: MessageEvent<{ type?: string; payload?: WorkerEvent }>) => {
    if (event.data.type === 'event' && event.data.payload) workerEventHeard(role, event.data.payload);
  });
  workers[role] = worker;
  const created = new WorkerClient<RoleApis[R]>(worker);
  clients[role] = created as (typeof clients)[R];
  return created;
}

/** Replaces a role's worker with a fresh one (a lost GPU device never comes back) and loads its model, and what rides on it, again. */
export async function restartModelWorker(role: ModelRole): Promise<void> {
  const worker = workers[role];
  // Calls in flight fail as if the worker had crashed instead of waiting forever.
  worker?.dispatchEvent(new ErrorEvent('error', { message: 'its GPU device was lost' }));
  worker?.terminate();
  delete workers[role];
  delete clients[role];
  const component = loadedPack?.components[role];
  if (!loadedPack || !component) return;
  const { name, components } = loadedPack;
  await loadComponent(role, component, name, false);
  if (role === 'tts') await loadStyleEncoder(components.style_encoder);
  if (role === 'asr' || role === 'speech_llm') await loadSpeechPath(components.es4r, components.speech_llm !== undefined);
}


/** Identifies a model's weights for remembered verdicts: its largest file's hash, else id and sizes. */
function fingerprint(component: ModelComponent): string {
  const largest = [...component.files].sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0))[0];
  if (largest?.sha256) return largest.sha256;
  return `${component.modelId}:${component.files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0)}`;
}

/** The manifest from the server when it answers (it may have changed), else the copy cached on the last visit. */
async function readManifest(): Promise<Manifest> {
  const url = `${MODELS_URL}manifest.json`;
  const cache = typeof caches === 'undefined' ? null : await caches.open(MODEL_CACHE_NAME).catch(() => null);
  let response: Response | undefined;
  try {
    response = await fetch(url, { cache: 'no-cache' });
    if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) {
      throw new Error(`${url} is missing (status ${response.status})`);
    }
    await cache?.put(url, response.clone()).catch(() => undefined);
  } catch (error) {
    response = await cache?.match(url);
    if (!response) throw error;
  }
  return parseManifest(await response.json());
}

/** Test hook, only under automation: `?selfCheckFault=tts,llm` corrupts those models' WebGPU output to exercise the fallback. */
function faultInjectedInto(role: ModelRole): boolean {
  if (typeof navigator === 'undefined' || !navigator.webdriver) return false;
  return (new URLSearchParams(location.search).get('selfCheckFault') ?? '').split(',').includes(role);
}

/** Loads one role's model in its worker; resolves with the dtype it runs, or null when it failed. */
async function loadComponent(role: ModelRole, component: ModelComponent, pack: string, recheck: boolean): Promise<Dtype | null> {
  const { modelId } = component;
  const source = describeSource(component.source);
  componentChanged(role, { modelId, source, status: 'loading', files: {} });
  // Every role's API starts with `load`.
  const client = modelClient(role) as unknown as WorkerClient<ModelWorkerApi>;
  const lastUpdateMs = new Map<string, number>();
  try {
    const result = await client.call(
      'load',
      { pack, modelId, dtypes: component.dtype, preference: useStore.getState().settings.devicePreference, fingerprint: fingerprint(component), verdicts: readVerdicts(), recheck, injectFault: faultInjectedInto(role) },
      {
        onProgress: ({ stage: file, loadedBytes = 0, totalBytes }) => {
          const nowMs = performance.now();
          const complete = totalBytes !== undefined && loadedBytes >= totalBytes;
          if (!complete && nowMs - (lastUpdateMs.get(file) ?? 0) < PROGRESS_INTERVAL_MS) return;
          lastUpdateMs.set(file, nowMs);
          componentFileProgress(role, file, { loadedBytes, ...(totalBytes === undefined ? {} : { totalBytes }) });
        },
      },
    );
    if (result.newVerdict) rememberVerdict(result.newVerdict.key, result.newVerdict.verdict);
    gpuDetected(result.gpu);
    componentChanged(role, { modelId, status: 'ready', device: result.device, dtype: result.dtype, reason: result.reason, selfCheck: result.selfCheck, loadMs: result.loadMs });
    return result.dtype;
  } catch (error) {
    componentChanged(role, { modelId, status: 'error', error: errorMessage(error) });
    return null;
  }
}

/** What this browser offers the models, before any of them downloads. */
async function memoryBudget(): Promise<MemoryBudget> {
  const deviceMemoryGb = (navigator as { deviceMemory?: number }).deviceMemory;
  return { deviceMemoryBytes: deviceMemoryGb ? deviceMemoryGb * 2 ** 30 : null, gpu: await detectGpu(), preference: useStore.getState().settings.devicePreference };
}

/** Finds the installed packs, picks one, and loads its models in their workers, once `workersAfter` (if given) has settled. */
export async function loadModels({ recheck = false, workersAfter = Promise.resolve() }: { recheck?: boolean; workersAfter?: Promise<void> } = {}): Promise<void> {
  packProbed({ status: 'probing', available: [], chosen: null, totalBytes: null, advice: null });
  let manifest: Manifest;
  try {
    manifest = await readManifest();
  } catch (error) {
    packProbed({ status: 'none', available: [], chosen: null, totalBytes: null, advice: `The model manifest could not be read: ${errorMessage(error)}` });
    return;
  }
  const availability = await probePacks(manifest, MODELS_URL);
  const available = availability.filter((pack) => pack.complete).map((pack) => pack.pack);
  const wanted = useStore.getState().settings.pack;
  const candidate = wanted && available.includes(wanted) ? wanted : available[0];
  if (!candidate) {
    packProbed({
      status: 'none',
      available,
      chosen: null,
      totalBytes: null,
      advice: `No model pack is installed. ${packRemedy('tiny')} to try the app with generated test models, or ${packRemedy('default').toLowerCase()} to download the default pack.`,
    });
    return;
  }
  // A pack chosen in settings stays chosen (with a warning); an automatic choice moves to one that fits.
  const fit = choosePackThatFits(manifest, candidate === wanted ? [] : available, candidate, await memoryBudget());
  const chosen = fit.pack;
  const totalBytes = availability.find((pack) => pack.pack === chosen)?.totalBytes ?? null;
  packProbed({ status: 'chosen', available, chosen, totalBytes, advice: fit.advice });
  const components = manifest.packs[chosen]!.components;
  // Known from the manifest at once: a study must not read "no ES4R component" while the pack's speech path loads.
  if (components.es4r && components.speech_llm) speechPathChanged({ status: 'loading', detail: null });
  loadedPack = { name: chosen, components };
  const { voices } = components.tts;
  packVoices = voices ? { voicesUrl: `${MODELS_URL}${components.tts.modelId}/voices/`, presets: voices } : null;
  // Listed at once, idle until their workers may start.
  for (const role of ROLES) {
    const component = components[role];
    if (component) componentChanged(role, { modelId: component.modelId, status: 'idle', files: {} });
  }
  await workersAfter;
  const running = new Map<string, Dtype>();
  await Promise.all(ROLES.map(async (role) => {
    const component = components[role];
    const dtype = component ? await loadComponent(role, component, chosen, recheck) : null;
    if (dtype) running.set(role, dtype);
  }));
  await Promise.all([loadStyleEncoder(components.style_encoder), loadSpeechPath(components.es4r, components.speech_llm !== undefined)]);
  await keepPackOffline(manifest, chosen, running);
}

/** ES4R's graphs join Whisper (front and adapter, in the ASR worker) and the speech LLM (cross-attention, in its worker). */
async function loadSpeechPath(component: ModelComponent | undefined, hasSpeechLlm: boolean): Promise<void> {
  if (!component || !hasSpeechLlm) {
    const missing = component ? 'an embeddings-in language model (speech_llm)' : 'an ES4R component';
    speechPathChanged({ status: 'absent', detail: `This pack has no ${missing}; replies come from the text path.` });
    return;
  }
  const { components } = useStore.getState();
  if (components.asr?.status !== 'ready' || components.speech_llm?.status !== 'ready') {
    speechPathChanged({ status: 'error', detail: 'The speech path needs the speech recognition model and the speech language model, and one of them did not load.' });
    return;
  }
  const source = describeSource(component.source);
  speechPathChanged({ status: 'loading', detail: null, source });
  const componentUrl = `${MODELS_URL}${component.modelId}/`;
  try {
    await Promise.all([
      modelClient('asr').call('loadSpeechEncoder', { componentUrl }),
      modelClient('speech_llm').call('loadCrossAttention', { componentUrl }),
    ]);
    speechPathChanged({ status: 'ready', detail: null, source });
  } catch (error) {
    speechPathChanged({ status: 'error', source, detail: `The ES4R speech path could not be loaded (${errorMessage(error)}); replies come from the text path.` });
  }
}

/**
 * After the models loaded, the rest of what this device runs (voices, later stages' files) joins the cache:
 * per model the dtype it runs and wasm's (its fallback), not every dtype of the pack.
 */
async function keepPackOffline(manifest: Manifest, pack: string, running: ReadonlyMap<string, Dtype>): Promise<void> {
  packOfflineChanged(false);
  if (typeof caches === 'undefined') return;
  const cache = await caches.open(MODEL_CACHE_NAME).catch(() => null);
  if (!cache) return;
  const failed = await cachePackFiles(
    packFilesThatRun(manifest, pack, ({ role, component }) => {
      const dtype = running.get(role);
      return dtype ? [dtype as typeof component.dtype.wasm, component.dtype.wasm] : [component.dtype.wasm];
    }).map(({ file }) => file.path),
    MODELS_URL,
    cache,
  );
  packOfflineChanged(failed.length === 0);
}

/** Forgets every WebGPU verdict and loads the models again, checking each one. */
export async function recheckWebGpu(): Promise<void> {
  forgetVerdicts();
  await loadModels({ recheck: true });
}
