import playerWorkletUrl from './worklets/player.worklet.ts?worker&url';
import type { PlayerReply, PlayerRequest } from './worklets/player.worklet';
import { ChunkResampler } from './playback/resamplePcm';

/** Kokoro's output rate; the playback context asks for it so no resampling is needed. */
export const TTS_RATE_HZ = 24000;
/** stop() resolves by then even if the worklet never answers (context suspended or closed). */
const STOP_TIMEOUT_MS = 150;

export type PlayerState = 'running' | 'suspended';

export interface PlaybackProgress {
  chunkId: number;
  /** Samples of the chunk played so far, counted at 24 kHz like the enqueued PCM. */
  playedSamples: number;
  /** RMS of the last rendered block, dBFS (-100 for silence). */
  levelDb: number;
}

/** Test tap: records exactly what the player worklet outputs, at `outputRateHz`. */
export interface OutputCapture {
  /** Ends the recording; resolves with every sample output since captureOutput(). */
  stop(): Promise<Float32Array>;
}

export interface Player {
  /** The AudioContext rate (24 kHz unless the browser ignored the request). */
  readonly outputRateHz: number;
  /** 'suspended' until a user gesture calls resume() (autoplay policy), or after the context closes. */
  readonly state: PlayerState;
  /** Queues a chunk after the ones queued; transfers `pcm24k`'s buffer when it owns it whole. */
  enqueue(pcm24k: Float32Array, chunkId: number): void;
  /** Fades out (8 ms) and drops everything queued; resolves when silent, within STOP_TIMEOUT_MS. */
  stop(): Promise<void>;
  /** Ducks the voice by DUCK_DB (an onset that may be the user) or brings it back. */
  duck(ducked: boolean): void;
  /** Sends everything played from now on to `port` as ReferenceBlock messages (the echo gate's reference); null stops. */
  connectReference(port: MessagePort | null): void;
  /** The output as a MediaStream (created on first use): tests feed it back into the microphone path. */
  outputStream(): MediaStream;
  /** ~30 Hz while playing. Each on*() returns an unsubscribe function. */
  onProgress(listener: (progress: PlaybackProgress) => void): () => void;
  /** The queue ran dry: everything enqueued so far has played. */
  onDrained(listener: () => void): () => void;
  /** A chunk did not fit in the 60 s queue and was dropped. */
  onRejected(listener: (chunkId: number) => void): () => void;
  onStateChange(listener: (state: PlayerState) => void): () => void;
  /** Call from a user gesture (click, key) when state is 'suspended'. */
  resume(): Promise<void>;
  captureOutput(): OutputCapture;
  close(): Promise<void>;
}

function createListeners<T extends unknown[]>(): { add(listener: (...args: T) => void): () => void; emit(...args: T): void } {
  const listeners = new Set<(...args: T) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(...args) {
      for (const listener of listeners) listener(...args);
    },
  };
}

/** Asks for a 24 kHz context (Chrome, Firefox and Safari honour it; the browser converts to the device rate). */
function createContext(): AudioContext {
  try {
    return new AudioContext({ sampleRate: TTS_RATE_HZ, latencyHint: 'interactive' });
  } catch {
    return new AudioContext({ latencyHint: 'interactive' });
  }
}

/** A Float32Array that can be transferred without detaching memory the caller still uses. */
function ownedCopy(pcm: Float32Array): Float32Array<ArrayBuffer> {
  const ownsBuffer = pcm.buffer instanceof ArrayBuffer && pcm.byteOffset === 0 && pcm.byteLength === pcm.buffer.byteLength;
  return ownsBuffer ? (pcm as Float32Array<ArrayBuffer>) : pcm.slice();
}

/** Builds the output graph: player worklet -> destination. The context may start suspended (autoplay policy). */
export async function createPlayer(): Promise<Player> {
  const context = createContext();
  try {
    await context.audioWorklet.addModule(playerWorkletUrl);
  } catch (error) {
    await context.close();
    throw error;
  }
  const node = new AudioWorkletNode(context, 'player', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
  node.connect(context.destination);
  const outputRateHz = context.sampleRate;
  // Main-thread resampling only on the rare browser that ignores the 24 kHz request.
  const resampler = outputRateHz === TTS_RATE_HZ ? null : new ChunkResampler(TTS_RATE_HZ, outputRateHz);

  const progress = createListeners<[PlaybackProgress]>();
  const drained = createListeners<[]>();
  const rejected = createListeners<[number]>();
  const stateChange = createListeners<[PlayerState]>();
  let pendingStops: Array<() => void> = [];
  let tapBatches: Float32Array[] = [];
  let tapEnded: (() => void) | null = null;
  let closed = false;
  let streamOut: MediaStreamAudioDestinationNode | null = null;

  const stateOf = (): PlayerState => (context.state === 'running' ? 'running' : 'suspended');
  const send = (request: PlayerRequest, transfer: Transferable[] = []): void => node.port.postMessage(request, transfer);
  const settleStops = (): void => {
    const stops = pendingStops;
    pendingStops = [];
    stops.forEach((resolve) => resolve());
  };

  context.onstatechange = () => stateChange.emit(stateOf());
  node.port.onmessage = (event: MessageEvent<PlayerReply>) => {
    const reply = event.data;
    switch (reply.type) {
      case 'progress':
        progress.emit({
          chunkId: reply.chunkId,
          playedSamples: Math.round((reply.playedSamples * TTS_RATE_HZ) / outputRateHz),
          levelDb: reply.levelDb,
        });
        return;
      case 'drained':
        drained.emit();
        return;
      case 'stopped':
        settleStops();
        return;
      case 'rejected':
        rejected.emit(reply.chunkId);
        return;
      case 'tapData':
        tapBatches.push(reply.pcm);
        return;
      case 'tapEnd':
        tapEnded?.();
        return;
    }
  };

  return {
    outputRateHz,
    get state() {
      return stateOf();
    },
    enqueue(pcm24k, chunkId) {
      if (closed) return;
      const pcm = resampler ? resampler.resample(pcm24k) : ownedCopy(pcm24k);
      send({ type: 'enqueue', pcm, chunkId }, [pcm.buffer as ArrayBuffer]);
    },
    stop() {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        pendingStops.push(resolve);
        send({ type: 'stop' });
        setTimeout(resolve, STOP_TIMEOUT_MS);
      });
    },
    duck(ducked) {
      if (!closed) send({ type: 'duck', ducked });
    },
    connectReference(port) {
      if (!closed) send({ type: 'reference', port }, port ? [port] : []);
    },
    outputStream() {
      if (!streamOut) {
        streamOut = context.createMediaStreamDestination();
        node.connect(streamOut);
      }
      return streamOut.stream;
    },
    onProgress: progress.add,
    onDrained: drained.add,
    onRejected: rejected.add,
    onStateChange: stateChange.add,
    resume: () => context.resume(),
    captureOutput() {
      tapBatches = [];
      send({ type: 'tapStart' });
      return {
        stop: () =>
          new Promise<Float32Array>((resolve) => {
            tapEnded = () => {
              tapEnded = null;
              const recorded = new Float32Array(tapBatches.reduce((sum, batch) => sum + batch.length, 0));
              let offset = 0;
              for (const batch of tapBatches) {
                recorded.set(batch, offset);
                offset += batch.length;
              }
              tapBatches = [];
              resolve(recorded);
            };
            send({ type: 'tapStop' });
          }),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      settleStops();
      node.port.onmessage = null;
      node.disconnect();
      await context.close();
    },
  };
}
