// The whole assistant in one Node process, built by the page's own composition root: the real model host,
// conversation, listening and study, over in-process workers. The listen worker runs the real VAD and turn logic;
// the ASR and LLM workers run their real methods on the tiny pack's models; the TTS worker is a fake that answers
// each clause with a tone as long as the text, so a test can hold or play the voice at will.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { join } from 'node:path';
import { createAssistant, type Assistant } from '../../src/assistant/createAssistant';
import type { AssistantPorts } from '../../src/assistant/ports';
import { memoryStorage } from '../../src/state/keyValueStorage';
import type { ModelRole } from '../../src/state/modelsSlice';
import { createAppStore } from '../../src/state/store';
import { SileroVad } from '../../src/models/vad/sileroVad';
import type { WhisperBundle } from '../../src/models/asr/whisperFamily';
import type { LlmBundle } from '../../src/models/llm/llmFamily';
import type { ReadComponentFile } from '../../src/models/es4r/runtime/loadEs4r';
import type { Device } from '../../src/models/device/chooseDevice';
import type { GpuInfo } from '../../src/models/device/gpuInfo';
import type { ModelLoadRequest, ModelLoadResult, ReferenceRequest } from '../../src/workers/modelApi';
import type { ReferenceProbe } from '../../src/models/loadModel';
import type { ModelSlot } from '../../src/workers/modelHandlers';
import { createAsrHandlers } from '../../src/workers/asrHandlers';
import { createLlmHandlers } from '../../src/workers/llmHandlers';
import { createListenHandlers } from '../../src/workers/listenHandlers';
import { createStreamEngine } from '../../src/workers/streamEngine';
import type { AsrWorkerApi } from '../../src/workers/asrApi';
import type { LlmWorkerApi } from '../../src/workers/llmApi';
import type { TtsWorkerApi } from '../../src/workers/ttsApi';
import type { ListenApi } from '../../src/workers/listenApi';
import type { Api } from '../../src/workers/protocol';
import { loadPackInNode, type NodeModels } from '../../scripts/cli/loadPackInNode';
import { loadVadModel } from '../../scripts/cli/loadVadModel';
import { DEFAULT_MODELS_DIR } from '../../scripts/models/paths';
import { FakeMicrophone, FakePlayer, fakeAudio } from './fakeAudio';
import { InProcessWorker } from './inProcessWorker';

/** The in-process page's origin; the fetch below maps it onto public/. */
const ORIGIN = 'http://assistant.test/';
const MODELS_URL = `${ORIGIN}models/`;
const PUBLIC_DIR = join(DEFAULT_MODELS_DIR, '..');
const TTS_RATE_HZ = 24000;
/** The fake voice speaks 40 ms per character: long enough to interrupt, short enough to play fast. */
const FAKE_VOICE_MS_PER_CHAR = 40;

/**
 * The tiny pack's models, loaded once before a test file's tests and released after them, shared by every worker
 * (and every restart) of it; call at the top of the file and read `.current` inside the tests.
 */
export function useTinyModels(): { current: NodeModels } {
  const models = { current: null as unknown as NodeModels };
  beforeAll(async () => {
    models.current = await loadPackInNode('tiny', { withSpeechPath: true });
  }, 180_000);
  afterAll(async () => {
    await models.current?.release();
  });
  return models;
}

/** Serves public/ as the page's server would: GET and HEAD, 404 for what is not there. */
async function servePublic(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (!url.href.startsWith(ORIGIN)) return new Response('not found', { status: 404 });
  try {
    const bytes = readFileSync(join(PUBLIC_DIR, decodeURIComponent(url.pathname)));
    const type = url.pathname.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(init?.method === 'HEAD' ? null : bytes, { status: 200, headers: { 'content-type': type, 'content-length': String(bytes.length) } });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

/** A component's files as the workers' reader gives them, from public/models/. */
function localReader(componentUrl: string): ReadComponentFile {
  const base = componentUrl.slice(MODELS_URL.length);
  return async (path) => new Uint8Array(readFileSync(join(DEFAULT_MODELS_DIR, base, path)));
}

/** What the page asked the in-process model workers to load, and to run as a self-check's reference, in order. */
export interface ModelRequests {
  loads: { role: ModelRole; request: ModelLoadRequest }[];
  references: { role: ModelRole; request: ReferenceRequest }[];
}

/** The stand-in workers load nothing per request: their models are the tiny pack's, loaded once. */
function standInLoads(role: ModelRole, requests: ModelRequests) {
  return {
    async load(request: ModelLoadRequest): Promise<ModelLoadResult> {
      requests.loads.push({ role, request });
      return { device: 'wasm', dtype: request.dtypes.wasm, reason: 'in-process test worker', selfCheck: null, gpu: null, newVerdict: null, loadMs: 0, warmUpMs: 0 };
    },
    async referenceProbe(request: ReferenceRequest): Promise<ReferenceProbe> {
      requests.references.push({ role, request });
      return { unavailable: 'the in-process test worker runs no reference' };
    },
  };
}

function asrWorker(models: NodeModels, requests: ModelRequests): InProcessWorker<AsrWorkerApi> {
  const slot: ModelSlot<WhisperBundle> = { current: null };
  const loads = standInLoads('asr', requests);
  return new InProcessWorker<AsrWorkerApi>({
    ...loads,
    async load(request) {
      slot.current = models.asr;
      return loads.load(request);
    },
    ...createAsrHandlers(slot, localReader),
  });
}

function llmWorker(role: 'llm' | 'speech_llm', bundle: LlmBundle, requests: ModelRequests): InProcessWorker<LlmWorkerApi> {
  const slot: ModelSlot<LlmBundle> = { current: null };
  const llm = createLlmHandlers(slot, localReader);
  const loads = standInLoads(role, requests);
  return new InProcessWorker<LlmWorkerApi>({
    ...loads,
    async load(request) {
      slot.current = bundle;
      await llm.afterLoad(bundle);
      return loads.load(request);
    },
    ...llm.handlers,
  });
}

/** A tone as long as the text would take to say. */
function fakeTtsWorker(requests: ModelRequests): InProcessWorker<TtsWorkerApi> {
  return new InProcessWorker<TtsWorkerApi>({
    ...standInLoads('tts', requests),
    async speak({ text }) {
      const samples = Math.round((text.length * FAKE_VOICE_MS_PER_CHAR * TTS_RATE_HZ) / 1000);
      const audio24k = Float32Array.from({ length: samples }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 220 * i) / TTS_RATE_HZ));
      return { audio24k, timingsMs: {} };
    },
    async loadStyleEncoder() {
      return null;
    },
    async styleOf() {
      return new Float32Array(256).fill(0.01);
    },
  });
}

function listenWorker(): InProcessWorker<ListenApi> {
  let vad: SileroVad | null = null;
  return new InProcessWorker<ListenApi>(
    createListenHandlers({
      async loadVad() {
        vad = await SileroVad.create(loadVadModel());
      },
      createEngine(nMels, segmenter) {
        if (!vad) throw new Error('the VAD is not loaded');
        return createStreamEngine(vad, nMels, segmenter);
      },
    }),
  );
}

export interface Harness {
  assistant: Assistant;
  microphone: FakeMicrophone;
  player: FakePlayer;
  /** The onnxruntime builds the page compiled for the model workers, in the order asked. */
  ortRuntimesAsked: Device[];
  /** What the page asked the model workers to load, and to run as self-check references. */
  modelRequests: ModelRequests;
  /** Every worker started for a role, oldest first (a restart, or a self-check's reference, adds one). */
  workers: Map<ModelRole | 'listen', InProcessWorker<Api>[]>;
  latest(role: ModelRole | 'listen'): InProcessWorker<Api>;
  /** Stops listening and any reply, then ends every worker: nothing of this session runs on into the next test. */
  close(): Promise<void>;
}

export interface HarnessOptions {
  models: NodeModels;
  microphoneRateHz: number;
  href?: string;
  /** The adapter the page sees (the in-process workers see none: Node has no WebGPU). */
  pageGpu?: GpuInfo | null;
}

export function createHarness({ models, microphoneRateHz, href = ORIGIN, pageGpu = null }: HarnessOptions): Harness {
  const ortRuntimesAsked: Device[] = [];
  const modelRequests: ModelRequests = { loads: [], references: [] };
  const storage = memoryStorage();
  const workers = new Map<ModelRole | 'listen', InProcessWorker<Api>[]>();
  const started = <A extends Api>(role: ModelRole | 'listen', worker: InProcessWorker<A>): InProcessWorker<A> => {
    workers.set(role, [...(workers.get(role) ?? []), worker as unknown as InProcessWorker<Api>]);
    return worker;
  };
  const speech = models.speech;
  const microphone = new FakeMicrophone(microphoneRateHz);
  const player = new FakePlayer();
  const ports: AssistantPorts = {
    workers: {
      model: (role) => {
        switch (role) {
          case 'asr':
            return started(role, asrWorker(models, modelRequests));
          case 'llm':
            return started(role, llmWorker(role, models.llm, modelRequests));
          case 'speech_llm':
            if (!speech) throw new Error('the harness was given no speech path');
            return started(role, llmWorker(role, speech.llm, modelRequests));
          case 'tts':
            return started(role, fakeTtsWorker(modelRequests));
        }
      },
      listen: () => started('listen', listenWorker()),
    },
    store: createAppStore(storage),
    clock: { nowMs: () => performance.now(), wallMs: () => Date.now() },
    storage,
    audio: fakeAudio(microphone, player),
    models: { modelsUrl: MODELS_URL, vadModelUrl: `${MODELS_URL}vad/silero_vad_v5.onnx`, fetch: servePublic as typeof fetch, caches: null, deviceMemoryBytes: 8 * 2 ** 30, detectGpu: async () => pageGpu,
      ortRuntime: async (device) => {
        ortRuntimesAsked.push(device);
        return null;
      },
    },
    page: { href, automation: false, userAgent: 'node-test' },
  };
  const assistant = createAssistant(ports, { random: () => 0.5 });
  return {
    assistant,
    microphone,
    player,
    ortRuntimesAsked,
    modelRequests,
    workers,
    latest: (role) => {
      const worker = workers.get(role)?.at(-1);
      if (!worker) throw new Error(`no ${role} worker was started`);
      return worker;
    },
    close: async () => {
      await assistant.listening.stop();
      await assistant.conversation.reset();
      for (const started of workers.values()) started.forEach((worker) => worker.terminate());
    },
  };
}

/** Resolves once `condition` holds, checking every 20 ms; fails with `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const startMs = performance.now();
  while (!condition()) {
    if (performance.now() - startMs > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
