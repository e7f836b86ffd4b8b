import { MODEL_CACHE_NAME } from '../models/cachedModelFile';
import { describeSource } from '../models/describeSource';
import { chooseDevice, type Device, type Dtype } from '../models/device/chooseDevice';
import { referenceDtypes, willSelfCheck, type ReferenceProbe } from '../models/loadModel';
import type { GpuInfo } from '../models/device/gpuInfo';
import { choosePackThatFits, type MemoryBudget } from '../models/device/memoryPlan';
import { packFilesThatRun, parseManifest, type Manifest, type ModelComponent } from '../models/manifest';
import { cachePackFiles } from '../models/packCache';
import { probePacks } from '../models/packProbe';
import { packRemedy } from '../models/runtime/packRemedy';
import { verdictKey } from '../models/selfCheck/verdict';
import type { Actions } from '../state/actions';
import type { ModelRole } from '../state/modelsSlice';
import type { AppStore } from '../state/store';
import { WorkerClient } from '../workers/client';
import type { AsrWorkerApi } from '../workers/asrApi';
import type { LlmWorkerApi } from '../workers/llmApi';
import type { ModelWorkerApi } from '../workers/modelApi';
import type { TtsWorkerApi } from '../workers/ttsApi';
import type { Progress as WorkerProgress, WorkerEvent } from '../workers/protocol';
import { errorMessage } from '../errorMessage';
import { deviceLossHandler } from './deviceLoss';
import type { Clock, ModelSource, PageContext, WorkerHandle, WorkerStarter } from './ports';
import type { VerdictMemory } from './verdictMemory';

const ROLES: readonly ModelRole[] = ['asr', 'llm', 'tts', 'speech_llm'];
/** Progress reaches the store at most this often per file, so the panel does not re-render per chunk. */
const PROGRESS_INTERVAL_MS = 100;

/** Each family's worker speaks `load` plus its own methods. */
export type RoleApis = { asr: AsrWorkerApi; llm: LlmWorkerApi; tts: TtsWorkerApi; speech_llm: LlmWorkerApi };

/** The chosen pack's voices: where their files are and the presets per strategy. */
export interface PackVoices {
  voicesUrl: string;
  presets: NonNullable<Manifest['packs'][string]['components']['tts']['voices']>;
}

export interface ModelHostDeps {
  workers: WorkerStarter;
  store: AppStore;
  actions: Actions;
  clock: Clock;
  models: ModelSource;
  page: PageContext;
  verdicts: VerdictMemory;
}

/** Identifies a model's weights for remembered verdicts: its largest file's hash, else id and sizes. */
function fingerprint(component: ModelComponent): string {
  const largest = [...component.files].sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0))[0];
  if (largest?.sha256) return largest.sha256;
  return `${component.modelId}:${component.files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0)}`;
}

/**
 * Owns the model workers: picks the pack, loads each role's model in its worker, replaces a worker whose GPU device
 * was lost, and keeps what runs offline. The rest of the assistant reaches the models through `client(role)`.
 */
export class ModelHost {
  private readonly clients: { [R in ModelRole]?: WorkerClient<RoleApis[R]> } = {};
  private readonly workers: Partial<Record<ModelRole, WorkerHandle>> = {};
  private readonly workerEventHeard: (role: ModelRole, event: WorkerEvent) => void;
  /** The pack whose models the workers hold, for reloading one worker's model. */
  private loadedPack: { name: string; components: Manifest['packs'][string]['components'] } | null = null;
  private packVoices: PackVoices | null = null;
  private styleEncoderLoaded = false;
  /** The onnxruntime build each worker started with; it cannot change in a running worker. */
  private readonly workerRuntimes: Partial<Record<ModelRole, Device>> = {};

  constructor(private readonly deps: ModelHostDeps) {
    this.workerEventHeard = deviceLossHandler((role) => this.restart(role), deps.store, deps.actions);
  }

  chosenPackVoices(): PackVoices | null {
    return this.packVoices;
  }

  /** True once the chosen pack's style encoder runs in the TTS worker (only packs that install one). */
  styleEncoderReady(): boolean {
    return this.styleEncoderLoaded;
  }

  ready(role: ModelRole): boolean {
    return this.deps.store.getState().components[role]?.status === 'ready';
  }

  client<R extends ModelRole>(role: R): WorkerClient<RoleApis[R]> {
    const existing = this.clients[role];
    if (existing) return existing;
    const worker = this.deps.workers.model(role);
    // Unasked events (request id 0), e.g. a lost GPU device.
    worker.addEventListener('message', (event: MessageEvent<{ type?: string; payload?: WorkerEvent }>) => {
      if (event.data.type === 'event' && event.data.payload) this.workerEventHeard(role, event.data.payload);
    });
    this.workers[role] = worker;
    const created = new WorkerClient<RoleApis[R]>(worker);
    this.clients[role] = created as (typeof this.clients)[R];
    return created;
  }

  /** Ends a role's worker; the next call starts a fresh one. Calls in flight fail as if it had crashed instead of waiting forever. */
  private retire(role: ModelRole, reason: string): void {
    this.clients[role]?.abandon(reason);
    this.workers[role]?.terminate();
    delete this.workers[role];
    delete this.clients[role];
    delete this.workerRuntimes[role];
  }

  /** Replaces a role's worker with a fresh one (a lost GPU device never comes back) and loads its model, and what rides on it, again. */
  async restart(role: ModelRole): Promise<void> {
    this.retire(role, 'its GPU device was lost');
    const component = this.loadedPack?.components[role];
    if (!this.loadedPack || !component) return;
    const { name, components } = this.loadedPack;
    await this.loadComponent(role, component, name, false, await this.deps.models.detectGpu());
    if (role === 'tts') await this.loadStyleEncoder(components.style_encoder);
    if (role === 'asr' || role === 'speech_llm') await this.loadSpeechPath(components.es4r, components.speech_llm !== undefined);
  }

  /** Finds the installed packs, picks one, and loads its models in their workers, once `workersAfter` (if given) has settled. */
  async load({ recheck = false, workersAfter = Promise.resolve() }: { recheck?: boolean; workersAfter?: Promise<void> } = {}): Promise<void> {
    const { actions, store, models } = this.deps;
    actions.packProbed({ status: 'probing', available: [], chosen: null, totalBytes: null, advice: null });
    let manifest: Manifest;
    try {
      manifest = await this.readManifest();
    } catch (error) {
      actions.packProbed({ status: 'none', available: [], chosen: null, totalBytes: null, advice: `The model manifest could not be read: ${errorMessage(error)}` });
      return;
    }
    const availability = await probePacks(manifest, models.modelsUrl, models.fetch, (url) => this.isCached(url));
    const available = availability.filter((pack) => pack.complete).map((pack) => pack.pack);
    const wanted = store.getState().settings.pack;
    const candidate = wanted && available.includes(wanted) ? wanted : available[0];
    if (!candidate) {
      actions.packProbed({
        status: 'none',
        available,
        chosen: null,
        totalBytes: null,
        advice: `No model pack is installed. ${packRemedy('tiny')} to try the app with generated test models, or ${packRemedy('default').toLowerCase()} to download the default pack.`,
      });
      return;
    }
    // A pack chosen in settings stays chosen (with a warning); an automatic choice moves to one that fits.
    // Asked once per load: the memory plan and every worker's runtime read the same adapter.
    const gpu = await models.detectGpu();
    const fit = choosePackThatFits(manifest, candidate === wanted ? [] : available, candidate, this.memoryBudget(gpu));
    const chosen = fit.pack;
    const totalBytes = availability.find((pack) => pack.pack === chosen)?.totalBytes ?? null;
    actions.packProbed({ status: 'chosen', available, chosen, totalBytes, advice: fit.advice });
    const components = manifest.packs[chosen]!.components;
    // Known from the manifest at once: a study must not read "no ES4R component" while the pack's speech path loads.
    if (components.es4r && components.speech_llm) actions.speechPathChanged({ status: 'loading', detail: null });
    this.loadedPack = { name: chosen, components };
    const { voices } = components.tts;
    this.packVoices = voices ? { voicesUrl: `${models.modelsUrl}${components.tts.modelId}/voices/`, presets: voices } : null;
    // Listed at once, idle until their workers may start.
    for (const role of ROLES) {
      const component = components[role];
      if (component) actions.componentChanged(role, { modelId: component.modelId, status: 'idle', files: {} });
    }
    await workersAfter;
    const running = new Map<string, Dtype>();
    await Promise.all(
      ROLES.map(async (role) => {
        const component = components[role];
        const dtype = component ? await this.loadComponent(role, component, chosen, recheck, gpu) : null;
        if (dtype) running.set(role, dtype);
      }),
    );
    await Promise.all([this.loadStyleEncoder(components.style_encoder), this.loadSpeechPath(components.es4r, components.speech_llm !== undefined)]);
    await this.keepPackOffline(manifest, chosen, running);
  }

  /** Forgets every WebGPU verdict and loads the models again, checking each one. */
  async recheckWebGpu(): Promise<void> {
    this.deps.verdicts.forget();
    await this.load({ recheck: true });
  }

  /** The style encoder lives in the TTS worker, beside the voice it shapes. */
  private async loadStyleEncoder(component: ModelComponent | undefined): Promise<void> {
    this.styleEncoderLoaded = false;
    if (!component || !this.ready('tts')) return;
    try {
      await this.client('tts').call('loadStyleEncoder', { modelUrl: `${this.deps.models.modelsUrl}${component.modelId}/onnx/model.onnx` });
      this.styleEncoderLoaded = true;
    } catch (error) {
      this.deps.actions.conversationNoticeChanged(`The style encoder could not be loaded (${errorMessage(error)}); replies use the voice presets.`);
    }
  }

  /** The manifest from the server when it answers (it may have changed), else the copy cached on the last visit. */
  private async readManifest(): Promise<Manifest> {
    const { modelsUrl, fetch: fetchImpl } = this.deps.models;
    const url = `${modelsUrl}manifest.json`;
    const cache = await this.modelCache();
    let response: Response | undefined;
    try {
      response = await fetchImpl(url, { cache: 'no-cache' });
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

  private async modelCache(): Promise<Cache | null> {
    return (await this.deps.models.caches?.open(MODEL_CACHE_NAME).catch(() => null)) ?? null;
  }

  private async isCached(url: string): Promise<boolean> {
    const { caches } = this.deps.models;
    return caches !== null && (await caches.match(url).catch(() => undefined)) !== undefined;
  }

  /** Test hook, only under automation: `?selfCheckFault=tts,llm` corrupts those models' WebGPU output to exercise the fallback. */
  private faultInjectedInto(role: ModelRole): boolean {
    const { automation, href } = this.deps.page;
    if (!automation) return false;
    return (new URL(href).searchParams.get('selfCheckFault') ?? '').split(',').includes(role);
  }

  /** Loads one role's model in its worker; resolves with the dtype it runs, or null when it failed. */
  private async loadComponent(role: ModelRole, component: ModelComponent, pack: string, recheck: boolean, gpu: GpuInfo | null): Promise<Dtype | null> {
    const { actions, store, verdicts } = this.deps;
    const { modelId } = component;
    const source = describeSource(component.source);
    actions.componentChanged(role, { modelId, source, status: 'loading', files: {} });
    const { runtime, referenceDtypes: checkDtypes } = this.devicePlan(component, recheck, gpu);
    const started = this.workerRuntimes[role];
    if (started !== undefined && started !== runtime) this.retire(role, `its model moves to ${runtime === 'webgpu' ? 'WebGPU' : 'wasm'}`);
    // Every role's API starts with `load`.
    const client = this.client(role) as unknown as WorkerClient<ModelWorkerApi>;
    this.workerRuntimes[role] = runtime;
    const onProgress = this.fileProgress(role);
    try {
      const reference = checkDtypes ? await this.referenceInOwnWorker(role, pack, modelId, checkDtypes, onProgress) : null;
      const ortRuntime = await this.deps.models.ortRuntime(runtime);
      const result = await client.call(
        'load',
        {
          pack,
          modelId,
          dtypes: component.dtype,
          preference: store.getState().settings.devicePreference,
          fingerprint: fingerprint(component),
          verdicts: verdicts.read(),
          recheck,
          injectFault: this.faultInjectedInto(role),
          runtime,
          ...(ortRuntime ? { ortRuntime } : {}),
          ...(reference ? { reference } : {}),
        },
        { onProgress },
      );
      if (result.newVerdict) verdicts.remember(result.newVerdict.key, result.newVerdict.verdict);
      actions.gpuDetected(result.gpu);
      actions.componentChanged(role, { modelId, status: 'ready', device: result.device, dtype: result.dtype, reason: result.reason, selfCheck: result.selfCheck, loadMs: result.loadMs });
      return result.dtype;
    } catch (error) {
      actions.componentChanged(role, { modelId, status: 'error', error: errorMessage(error) });
      return null;
    }
  }

  /**
   * The onnxruntime build a role's worker starts: wasm-only where the worker will not run its model on WebGPU, as it
   * will decide from the same adapter, setting and remembered verdict (that build needs far less memory to compile);
   * and, where the worker will check its WebGPU run, the dtypes of the wasm reference it is checked against.
   */
  private devicePlan(component: ModelComponent, recheck: boolean, gpu: GpuInfo | null): { runtime: Device; referenceDtypes: Dtype[] | null } {
    const { store, verdicts } = this.deps;
    const preference = store.getState().settings.devicePreference;
    const verdict = gpu && !recheck ? verdicts.read()[verdictKey(gpu.adapterKey, fingerprint(component))] : undefined;
    const choice = chooseDevice(component.dtype, gpu, preference, verdict);
    const willCheck = choice.device === 'webgpu' && willSelfCheck(preference, verdict);
    return { runtime: choice.device, referenceDtypes: willCheck ? referenceDtypes(choice.dtype, component.dtype.wasm) : null };
  }

  /**
   * The self-check's wasm reference, run in a worker of its own that is then ended: a wasm heap never shrinks, so a
   * reference run in the model's worker kept its high-water mark there (600 MB for a 360M language model) all visit.
   */
  private async referenceInOwnWorker(role: ModelRole, pack: string, modelId: string, dtypes: Dtype[], onProgress: (progress: WorkerProgress) => void): Promise<ReferenceProbe> {
    const worker = this.deps.workers.model(role);
    const client = new WorkerClient<ModelWorkerApi>(worker);
    try {
      const ortRuntime = await this.deps.models.ortRuntime('wasm');
      return await client.call('referenceProbe', { pack, modelId, dtypes, ...(ortRuntime ? { ortRuntime } : {}) }, { onProgress });
    } catch (error) {
      return { unavailable: `the wasm reference could not be run (${errorMessage(error)})` };
    } finally {
      worker.terminate();
    }
  }

  /** Per-file progress of a role's loads for the panel, at most every PROGRESS_INTERVAL_MS per file but for the last. */
  private fileProgress(role: ModelRole): (progress: WorkerProgress) => void {
    const { actions, clock } = this.deps;
    const lastUpdateMs = new Map<string, number>();
    return ({ stage: file, loadedBytes = 0, totalBytes }) => {
      const nowMs = clock.nowMs();
      const complete = totalBytes !== undefined && loadedBytes >= totalBytes;
      if (!complete && nowMs - (lastUpdateMs.get(file) ?? -Infinity) < PROGRESS_INTERVAL_MS) return;
      lastUpdateMs.set(file, nowMs);
      actions.componentFileProgress(role, file, { loadedBytes, ...(totalBytes === undefined ? {} : { totalBytes }) });
    };
  }

  /** What this device offers the models, before any of them downloads. */
  private memoryBudget(gpu: GpuInfo | null): MemoryBudget {
    const { models, store } = this.deps;
    return { deviceMemoryBytes: models.deviceMemoryBytes, gpu, preference: store.getState().settings.devicePreference };
  }

  /** ES4R's graphs join Whisper (front and adapter, in the ASR worker) and the speech LLM (cross-attention, in its worker). */
  private async loadSpeechPath(component: ModelComponent | undefined, hasSpeechLlm: boolean): Promise<void> {
    const { actions } = this.deps;
    if (!component || !hasSpeechLlm) {
      const missing = component ? 'an embeddings-in language model (speech_llm)' : 'an ES4R component';
      actions.speechPathChanged({ status: 'absent', detail: `This pack has no ${missing}; replies come from the text path.` });
      return;
    }
    if (!this.ready('asr') || !this.ready('speech_llm')) {
      actions.speechPathChanged({ status: 'error', detail: 'The speech path needs the speech recognition model and the speech language model, and one of them did not load.' });
      return;
    }
    const source = describeSource(component.source);
    actions.speechPathChanged({ status: 'loading', detail: null, source });
    const componentUrl = `${this.deps.models.modelsUrl}${component.modelId}/`;
    try {
      await Promise.all([this.client('asr').call('loadSpeechEncoder', { componentUrl }), this.client('speech_llm').call('loadCrossAttention', { componentUrl })]);
      actions.speechPathChanged({ status: 'ready', detail: null, source });
    } catch (error) {
      actions.speechPathChanged({ status: 'error', source, detail: `The ES4R speech path could not be loaded (${errorMessage(error)}); replies come from the text path.` });
    }
  }

  /**
   * After the models loaded, the rest of what this device runs (voices, later stages' files) joins the cache:
   * per model the dtype it runs and wasm's (its fallback), not every dtype of the pack.
   */
  private async keepPackOffline(manifest: Manifest, pack: string, running: ReadonlyMap<string, Dtype>): Promise<void> {
    this.deps.actions.packOfflineChanged(false);
    const cache = await this.modelCache();
    if (!cache) return;
    const failed = await cachePackFiles(
      packFilesThatRun(manifest, pack, ({ role, component }) => {
        const dtype = running.get(role);
        return dtype ? [dtype as typeof component.dtype.wasm, component.dtype.wasm] : [component.dtype.wasm];
      }).map(({ file }) => file.path),
      this.deps.models.modelsUrl,
      cache,
      this.deps.models.fetch,
    );
    this.deps.actions.packOfflineChanged(failed.length === 0);
  }
}
