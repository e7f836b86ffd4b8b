import { CaptureError, type Capture } from '../audio/capture';
import { describeMicError, type MicFailure } from '../audio/micErrors';
import type { Actions } from '../state/actions';
import type { AppStore } from '../state/store';
import { summarizeTurn } from '../state/summarizeTurn';
import { WorkerClient } from '../workers/client';
import type { ListenApi, ListenUpdate } from '../workers/listenApi';
import { errorMessage } from '../errorMessage';
import { LISTEN_BATCH_FRAMES } from '../turns/listenBatch';
import type { Turn } from '../turns/turn';
import type { ConversationFlow } from './conversationFlow';
import type { AudioPorts, Clock, WorkerStarter } from './ports';
import type { VoiceOutput } from './voiceOutput';

export interface ListeningDeps {
  workers: WorkerStarter;
  audio: AudioPorts;
  store: AppStore;
  actions: Actions;
  clock: Clock;
  conversation: ConversationFlow;
  voice: VoiceOutput;
  vadModelUrl: string;
}

/** The listen worker and its VAD's load: the worker starts with the page, and a stream may open before the VAD is ready. */
interface ListenWorker {
  client: WorkerClient<ListenApi>;
  vadReady: Promise<void>;
}

/** How fast listening starts, for benchmarks and the diagnostics; times in the clock's ms. */
export interface ListenTimings {
  /** The latest Talk press -> listening; null before the first press listens. */
  talkToListeningMs: number | null;
  /** Start -> the voice detector ready to score audio; null until then. */
  vadReadyAtMs: number | null;
}

/** A simulated loudspeaker for tests: the voice reaches the capture path `delayMs` later at `gainDb`. */
export interface EchoLoopbackSetting {
  delayMs: number;
  gainDb: number;
}

/**
 * The microphone side: opens the capture, streams its feature batches to the listen worker (VAD, turns, barge-in),
 * and hands what the worker decides to the conversation and the voice.
 */
export class Listening {
  private worker: ListenWorker | null = null;
  /** The worker of the open stream, which `finish` must reach. */
  private streamClient: WorkerClient<ListenApi> | null = null;
  private capture: Capture | null = null;
  private listening: Promise<unknown> | null = null;
  private readonly turnListeners = new Set<(turn: Turn) => void>();
  private readonly timings: ListenTimings = { talkToListeningMs: null, vadReadyAtMs: null };
  /** Tests only: the voice fed back into the microphone path, as speakers would. */
  private echoLoopback: EchoLoopbackSetting | null = null;

  constructor(private readonly deps: ListeningDeps) {}

  /** Tests only: from the next Talk on, the voice reaches the capture path `delayMs` later at `gainDb`; null turns it off. */
  feedVoiceIntoMicrophone(loopback: EchoLoopbackSetting | null): void {
    this.echoLoopback = loopback;
  }

  listenTimings(): ListenTimings {
    return { ...this.timings };
  }

  /** Each finished turn, audio included, as it is handed to the conversation (study logging keeps its PCM when allowed); returns the unsubscribe. */
  onTurnFinished(listener: (turn: Turn) => void): () => void {
    this.turnListeners.add(listener);
    return () => this.turnListeners.delete(listener);
  }

  private onUpdate(update: ListenUpdate): void {
    const { actions, conversation, voice } = this.deps;
    switch (update.type) {
      case 'level':
        actions.inputLevelMeasured(update.levelDb);
        return;
      case 'speechStart':
        actions.speechActivityChanged(true);
        if (!update.continued) conversation.speechStarted();
        return;
      case 'duck':
        voice.duck(true);
        return;
      case 'restore':
        voice.duck(false);
        return;
      case 'confirmed':
        // The user, not a cough or the assistant's own echo: the voice and the reply stop.
        void conversation.bargeIn();
        return;
      case 'echo':
        actions.speechActivityChanged(false);
        return;
      case 'misfire':
        actions.speechActivityChanged(false);
        actions.misfireHeard();
        return;
      case 'tentativeTurn':
        conversation.turnPaused(update.turn);
        return;
      case 'speechResumed':
        conversation.speechResumed();
        return;
      case 'turn':
        actions.speechActivityChanged(false);
        actions.turnFinished(summarizeTurn(update.turn));
        for (const listener of this.turnListeners) listener(update.turn);
        conversation.answerTurn(update.turn);
        return;
    }
  }

  /** Starts the listen worker and asks it to load the VAD, once; a worker that crashed or failed to load is replaced on the next call. */
  private listenWorker(): ListenWorker {
    if (this.worker) return this.worker;
    const { actions, clock, workers, vadModelUrl } = this.deps;
    actions.vadStatusChanged('loading');
    const worker = workers.listen();
    const forget = () => {
      if (this.worker?.client === client) this.worker = null;
    };
    worker.addEventListener('error', (event) => {
      actions.vadStatusChanged('error', `The listening worker crashed (${event.message || 'unknown error'}). Reload the page.`);
      forget();
    });
    const client = new WorkerClient<ListenApi>(worker);
    const vadReady = client.call('load', { vadModelUrl }).then(
      () => {
        this.timings.vadReadyAtMs = clock.nowMs();
        actions.vadStatusChanged('ready');
      },
      (error: unknown) => {
        forget();
        actions.vadStatusChanged('error', `The voice detector could not be loaded: ${errorMessage(error)}`);
        throw error;
      },
    );
    this.worker = { client, vadReady };
    return this.worker;
  }

  /** Starts the listen worker and its VAD, and the capture's audio graph, ahead of Talk; resolves when the VAD is ready or failed. */
  prepare(): Promise<void> {
    this.deps.audio.prepareCapture();
    return this.listenWorker().vadReady.catch(() => undefined);
  }

  private async endStream(reason: 'stopped' | 'inputLost'): Promise<void> {
    const { actions } = this.deps;
    const stopping = this.capture;
    this.capture = null;
    await stopping?.stop();
    await this.streamClient?.call('finish', { reason });
    this.streamClient = null;
    await this.listening?.catch(() => undefined);
    this.listening = null;
    actions.speechActivityChanged(false);
    actions.inputLevelMeasured(-Infinity);
  }

  private microphoneLost(failure: MicFailure): void {
    this.deps.actions.micStatusChanged(failure.problem, failure.message);
    void this.endStream('inputLost');
  }

  /** Shown again: the microphone's audio graph runs again if the browser suspended it meanwhile. */
  resume(): void {
    this.capture?.resume().catch((error: unknown) =>
      this.microphoneLost({ problem: 'failed', message: `The microphone did not resume after the page was hidden (${errorMessage(error)}): press Talk to listen again.` }),
    );
  }

  /** The stream ended on its own (the VAD failed to load, or failed mid-stream): the microphone closes. */
  private streamFailed(error: unknown): void {
    const { actions, store } = this.deps;
    if (store.getState().vadStatus !== 'error') actions.vadStatusChanged('error', `Listening stopped: ${errorMessage(error)}`);
    if (!this.capture) return;
    actions.micStatusChanged('stopping');
    void this.endStream('stopped').then(() => actions.micStatusChanged('idle'));
  }

  async start(): Promise<void> {
    const { store, actions, clock, audio, voice } = this.deps;
    const { micStatus, settings } = store.getState();
    if (micStatus === 'starting' || micStatus === 'listening') return;
    const pressedAtMs = clock.nowMs();
    actions.micStatusChanged('starting');
    // The stream opens at once: its batches wait in the worker while the VAD finishes loading.
    const { client } = this.listenWorker();
    const channel = new MessageChannel();
    const reference = new MessageChannel();
    let failed = false;
    this.streamClient = client;
    this.listening = client
      .call(
        'listen',
        { batches: channel.port2, reference: reference.port2, nMels: settings.nMels, segmenter: { endSilenceMs: settings.endSilenceMs } },
        { transfer: [channel.port2, reference.port2], onChunk: (update) => this.onUpdate(update) },
      )
      .catch((error: unknown) => {
        failed = true;
        this.streamFailed(error);
      });
    try {
      this.capture = await audio.startCapture({
        processing: settings.processing,
        nMels: settings.nMels,
        batchFrames: LISTEN_BATCH_FRAMES,
        batchPort: channel.port1,
        onLost: (failure) => this.microphoneLost(failure),
        echoLoopback: this.echoLoopback ? { stream: await voice.playbackStream(), ...this.echoLoopback } : null,
      });
      actions.echoCancellationGranted(this.capture.echoCancellation);
    } catch (error) {
      await client.call('finish', { reason: 'stopped' });
      this.streamClient = null;
      const failure = error instanceof CaptureError ? error.failure : describeMicError(error);
      actions.micStatusChanged(failure.problem, failure.message);
      return;
    }
    if (failed) {
      await this.endStream('stopped');
      actions.micStatusChanged('idle');
      return;
    }
    this.timings.talkToListeningMs = clock.nowMs() - pressedAtMs;
    actions.micStatusChanged('listening');
    // After the microphone: the voice output's audio graph would compete with it for the first press's few hundred ms.
    voice.prepare();
    voice.sendPlaybackReference(reference.port1);
  }

  async stop(): Promise<void> {
    const { store, actions } = this.deps;
    if (store.getState().micStatus !== 'listening') return;
    actions.micStatusChanged('stopping');
    await this.endStream('stopped');
    actions.micStatusChanged('idle');
  }
}
