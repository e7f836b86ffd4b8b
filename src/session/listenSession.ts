import { CaptureError, startCapture, type Capture } from '../audio/capture';
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
import { answerTurn, bargeIn, resetConversation } from './conversationSession';
import { prepareSpeech } from './speechSession';
import { summarizeTurn } from './summarizeTurn';
import { errorMessage } from '../errorMessage';
import type { Turn } from '../turns/turn';

/** Frames per worklet batch: 30 ms keeps the input meter near 33 Hz. */
const BATCH_FRAMES = 3;
const VAD_MODEL_URL = `${import.meta.env.BASE_URL}models/vad/silero_vad_v5.onnx`;

let client: WorkerClient<ListenApi> | null = null;
let loading: Promise<WorkerClient<ListenApi>> | null = null;
let capture: Capture | null = null;
let listening: Promise<unknown> | null = null;
const turnListeners = new Set<(turn: Turn) => void>();

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
      // A 30 s split continues the same speech: only a fresh onset cuts the assistant off.
      if (!update.continued) void bargeIn();
      return;
    case 'misfire':
      speechActivityChanged(false);
      misfireHeard();
      return;
    case 'turn':
      speechActivityChanged(false);
      turnFinished(summarizeTurn(update.turn));
      for (const listener of turnListeners) listener(update.turn);
      answerTurn(update.turn);
      return;
  }
}

/** Starts the listen worker and loads the VAD once; later calls reuse it. */
function listenWorker(): Promise<WorkerClient<ListenApi>> {
  loading ??= (async () => {
    vadStatusChanged('loading');
    const worker = new Worker(new URL('../workers/listen.worker.ts', import.meta.url), { type: 'module', name: 'listen' });
    worker.addEventListener('error', (event) => {
      vadStatusChanged('error', `The listening worker crashed (${event.message || 'unknown error'}). Reload the page.`);
      loading = null;
    });
    const next = new WorkerClient<ListenApi>(worker);
    await next.call('load', { vadModelUrl: VAD_MODEL_URL });
    vadStatusChanged('ready');
    client = next;
    return next;
  })().catch((error: unknown) => {
    loading = null;
    vadStatusChanged('error', `The voice detector could not be loaded: ${errorMessage(error)}`);
    throw error;
  });
  return loading;
}

/** Loads the voice detector ahead of the first Talk press, so listening starts at once. */
export function prepareListening(): void {
  listenWorker().catch(() => undefined);
}

async function endStream(reason: 'stopped' | 'inputLost'): Promise<void> {
  const stopping = capture;
  capture = null;
  await stopping?.stop();
  await client?.call('finish', { reason });
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

export async function startListening(): Promise<void> {
  const { micStatus, settings } = useStore.getState();
  if (micStatus === 'starting' || micStatus === 'listening') return;
  micStatusChanged('starting');
  prepareSpeech();
  let worker: WorkerClient<ListenApi>;
  try {
    worker = await listenWorker();
  } catch {
    micStatusChanged('idle');
    return;
  }
  const channel = new MessageChannel();
  listening = worker
    .call(
      'listen',
      { batches: channel.port2, nMels: settings.nMels, segmenter: { endSilenceMs: settings.endSilenceMs } },
      { transfer: [channel.port2], onChunk: onUpdate },
    )
    .catch((error: unknown) => vadStatusChanged('error', `Listening stopped: ${errorMessage(error)}`));
  try {
    capture = await startCapture({
      processing: settings.processing,
      nMels: settings.nMels,
      batchFrames: BATCH_FRAMES,
      batchPort: channel.port1,
      onLost: microphoneLost,
    });
    micStatusChanged('listening');
  } catch (error) {
    await worker.call('finish', { reason: 'stopped' });
    const failure = error instanceof CaptureError ? error.failure : describeMicError(error);
    micStatusChanged(failure.problem, failure.message);
  }
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
