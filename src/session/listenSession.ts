import { CaptureError, prepareCapture, startCapture, type Capture } from '../audio/capture';
import { describeMicError, type MicFailure } from '../audio/micErrors';
import {
  inputLevelMeasured,
  micStatusChanged,
  misfireHeard,
  newConversation,
  speechActivityChanged,
  turnFinished,
  vadStatusChanged,
} from '../state/actions';
import { useStore } from '../state/store';
import { WorkerClient } from '../workers/client';
import type { ListenApi, ListenUpdate } from '../workers/listenApi';
import { answerTurn, bargeIn, resetConversation, speechResumed, speechStarted, turnPaused } from './conversationSession';
import { duckVoice, playbackStream, prepareSpeech, sendPlaybackReference } from './speechSession';
import { summarizeTurn } from './summarizeTurn';
import { errorMessage } from '../errorMessage';
import type { Turn } from '../turns/turn';

/** Frames per worklet batch: 30 ms keeps the input meter near 33 Hz. */
const BATCH_FRAMES = 3;
const VAD_MODEL_URL = `${import.meta.env.BASE_URL}models/vad/silero_vad_v5.onnx`;

/** The listen worker and its VAD's load: the worker starts with the page, and a stream may open before the VAD is ready. */
interface ListenWorker {
  client: WorkerClient<ListenApi>;
  vadReady: Promise<void>;
}

let listenWorkerStarted: ListenWorker | null = null;
/** Tests only: the voice fed back into the microphone path, as speakers would (see testHandle). */
let echoLoopback: { delayMs: number; gainDb: number } | null = null;

/** Tests only: from the next Talk on, the voice reaches the capture path `delayMs` later at `gainDb`; null turns it off. */
export function feedVoiceIntoMicrophone(loopback: { delayMs: number; gainDb: number } | null): void {
  echoLoopback = loopback;
}

/** The worker of the open stream, which `finish` must reach. */
let streamClient: WorkerClient<ListenApi> | null = null;
let capture: Capture | null = null;
let listening: Promise<unknown> | null = null;
const turnListeners = new Set<(turn: Turn) => void>();

/** How fast listening starts, for benchmarks and the diagnostics; times in ms (performance.now()). */
export interface ListenTimings {
  /** The latest Talk press -> listening; null before the first press listens. */
  talkToListeningMs: number | null;
  /** Page start -> the voice detector ready to score audio; null until then. */
  vadReadyAtMs: number | null;
}
const timings: ListenTimings = { talkToListeningMs: null, vadReadyAtMs: null };

export function listenTimings(): ListenTimings {
  return { ...timings };
}

/** Each finished turn, audio included, as it is handed to the conversation (study logging keeps its PCM when allowed); returns the unsubscribe. */
export function onTurnFinished(listener: (turn: Turn) => void): () => void {
  turnListeners.add(listener);
  return () => turnListeners.delete(listener);
}

function onUpdate(update: ListenUpdate): void {
  switch (update.type) {
    case 'level':
      inputLevelMeasured(update.levelDb);
      return;
    case 'speechStart':
      speechActivityChanged(true);
      if (!update.continued) speechStarted();
      return;
    case 'duck':
      duckVoice(true);
      return;
    case 'restore':
      duckVoice(false);
      return;
    case 'confirmed':
      // The user, not a cough or the assistant's own echo: the voice and the reply stop.
      void bargeIn();
      return;
    case 'echo':
      speechActivityChanged(false);
      return;
    case 'misfire':
      speechActivityChanged(false);
      misfireHeard();
      return;
    case 'tentativeTurn':
      turnPaused(update.turn);
      return;
    case 'speechResumed':
      speechResumed();
      return;
    case 'turn':
      speechActivityChanged(false);
      turnFinished(summarizeTurn(update.turn));
      for (const listener of turnListeners) listener(update.turn);
      answerTurn(update.turn);
      return;
  }
}

/** Starts the listen worker and asks it to load the VAD, once; a worker that crashed or failed to load is replaced on the next call. */
function listenWorker(): ListenWorker {
  if (listenWorkerStarted) return listenWorkerStarted;
  vadStatusChanged('loading');
  const worker = new Worker(new URL('../workers/listen.worker.ts', import.meta.url), { type: 'module', name: 'listen' });
  const forget = () => {
    if (listenWorkerStarted?.client === client) listenWorkerStarted = null;
  };
  worker.addEventListener('error', (event) => {
    vadStatusChanged('error', `The listening worker crashed (${event.message || 'unknown error'}). Reload the page.`);
    forget();
  });
  const client = new WorkerClient<ListenApi>(worker);
  const vadReady = client.call('load', { vadModelUrl: VAD_MODEL_URL }).then(
    () => {
      timings.vadReadyAtMs = performance.now();
      vadStatusChanged('ready');
    },
    (error: unknown) => {
      forget();
      vadStatusChanged('error', `The voice detector could not be loaded: ${errorMessage(error)}`);
      throw error;
    },
  );
  listenWorkerStarted = { client, vadReady };
  return listenWorkerStarted;
}

/** Starts the listen worker and its VAD, and the capture's audio graph, with the page, so Talk finds them ready; resolves when the VAD is ready or failed. */
export function prepareListening(): Promise<void> {
  prepareCapture();
  return listenWorker().vadReady.catch(() => undefined);
}

async function endStream(reason: 'stopped' | 'inputLost'): Promise<void> {
  const stopping = capture;
  capture = null;
  await stopping?.stop();
  await streamClient?.call('finish', { reason });
  streamClient = null;
  await listening?.catch(() => undefined);
  listening = null;
  speechActivityChanged(false);
  inputLevelMeasured(-Infinity);
}

function microphoneLost(failure: MicFailure): void {
  micStatusChanged(failure.problem, failure.message);
  void endStream('inputLost');
}

/** Shown again: the microphone's audio graph runs again if the browser suspended it meanwhile. */
export function resumeListening(): void {
  capture?.resume().catch((error: unknown) =>
    microphoneLost({ problem: 'failed', message: `The microphone did not resume after the page was hidden (${errorMessage(error)}): press Talk to listen again.` }),
  );
}

/** The stream ended on its own (the VAD failed to load, or failed mid-stream): the microphone closes. */
function streamFailed(error: unknown): void {
  if (useStore.getState().vadStatus !== 'error') vadStatusChanged('error', `Listening stopped: ${errorMessage(error)}`);
  if (!capture) return;
  micStatusChanged('stopping');
  void endStream('stopped').then(() => micStatusChanged('idle'));
}

export async function startListening(): Promise<void> {
  const { micStatus, settings } = useStore.getState();
  if (micStatus === 'starting' || micStatus === 'listening') return;
  const pressedAtMs = performance.now();
  micStatusChanged('starting');
  // The stream opens at once: its batches wait in the worker while the VAD finishes loading.
  const { client } = listenWorker();
  const channel = new MessageChannel();
  const reference = new MessageChannel();
  let failed = false;
  streamClient = client;
  listening = client
    .call(
      'listen',
      { batches: channel.port2, reference: reference.port2, nMels: settings.nMels, segmenter: { endSilenceMs: settings.endSilenceMs } },
      { transfer: [channel.port2, reference.port2], onChunk: onUpdate },
    )
    .catch((error: unknown) => {
      failed = true;
      streamFailed(error);
    });
  try {
    capture = await startCapture({
      processing: settings.processing,
      nMels: settings.nMels,
      batchFrames: BATCH_FRAMES,
      batchPort: channel.port1,
      onLost: microphoneLost,
      echoLoopback: echoLoopback ? { stream: await playbackStream(), ...echoLoopback } : null,
    });
    useStore.setState({ echoCancellation: capture.echoCancellation });
  } catch (error) {
    await client.call('finish', { reason: 'stopped' });
    streamClient = null;
    const failure = error instanceof CaptureError ? error.failure : describeMicError(error);
    micStatusChanged(failure.problem, failure.message);
    return;
  }
  if (failed) {
    await endStream('stopped');
    micStatusChanged('idle');
    return;
  }
  timings.talkToListeningMs = performance.now() - pressedAtMs;
  micStatusChanged('listening');
  // After the microphone: the voice output's audio graph would compete with it for the first press's few hundred ms.
  prepareSpeech();
  sendPlaybackReference(reference.port1);
}

export async function stopListening(): Promise<void> {
  if (useStore.getState().micStatus !== 'listening') return;
  micStatusChanged('stopping');
  await endStream('stopped');
  micStatusChanged('idle');
}

export function startNewConversation(): void {
  newConversation();
  void resetConversation();
}
