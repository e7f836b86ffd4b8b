import { powerToDb } from '../audio/dsp/energy';
import type { FeatureBatch } from '../audio/featureBatch';
import type { BargeInListenEvent } from '../turns/bargeIn/bargeInListener';
import type { ReferenceBlock } from '../audio/worklets/player.worklet';
import type { SegmenterConfig } from '../turns/segmenter';
import type { Handlers } from './protocol';
import type { ListenApi } from './listenApi';

/** The part of BargeInListener the worker drives. */
export interface StreamEngine {
  push(batch: FeatureBatch): Promise<BargeInListenEvent[]>;
  flush(): Promise<BargeInListenEvent[]>;
  inputLost(): BargeInListenEvent[];
  /** What the player output, as it arrives. */
  pushReference?(block: ReferenceBlock): void;
}

export interface ListenDependencies {
  /** Fetches, creates and warms up the VAD; called once by `load`. */
  loadVad(vadModelUrl: string, onProgress: (loadedBytes: number, totalBytes?: number) => void): Promise<void>;
  /** A fresh engine for one listening stream (sample indices restart at 0 with each capture). */
  createEngine(nMels: 80 | 128, segmenter: Partial<SegmenterConfig>): StreamEngine;
}

/** Buffers of a turn travel to the main thread by transfer, not copy. */
function transfersOf(event: BargeInListenEvent): Transferable[] {
  if (event.type !== 'turn' && event.type !== 'tentativeTurn') return [];
  const { pcm16k, logMel, energy, speechFrames } = event.turn;
  return [pcm16k.buffer, logMel.buffer, energy.buffer, speechFrames.buffer] as ArrayBuffer[];
}

/** Frames per input-level report: 30 ms keeps the meter near 33 Hz. */
const LEVEL_FRAMES = 3;

function loudestEnergy(energy: Float32Array): number {
  let loudest = 0;
  for (const e of energy) loudest = Math.max(loudest, e);
  return loudest;
}

export function createListenHandlers(dependencies: ListenDependencies): Handlers<ListenApi> {
  /** The VAD's load, once asked for; a stream may open before it ends (its batches wait for it). */
  let vadLoad: Promise<void> | null = null;
  let finishStream: ((reason: 'stopped' | 'inputLost') => Promise<void>) | null = null;

  return {
    async load({ vadModelUrl }, context) {
      const startMs = performance.now();
      vadLoad = dependencies.loadVad(vadModelUrl, (loadedBytes, totalBytes) =>
        context.progress({ stage: 'vad', loadedBytes, ...(totalBytes === undefined ? {} : { totalBytes }) }),
      );
      await vadLoad;
      return { loadMs: performance.now() - startMs };
    },

    listen({ batches, reference, nMels, segmenter }, context) {
      if (!vadLoad) return Promise.reject(new Error('listen: the VAD is not loading; call load first'));
      if (finishStream) return Promise.reject(new Error('listen: already listening; finish the current stream first'));
      // Per-chunk VAD scores stay in the worker: ~31 messages a second that the page does not show.
      const emit = (events: BargeInListenEvent[]) =>
        events.forEach((event) => event.type !== 'vad' && context.chunk(event, transfersOf(event)));
      let batchCount = 0;
      let failure: unknown = null;
      let engine: StreamEngine | null = null;
      // Batches are processed strictly in order (the VAD is stateful and not re-entrant), the first once the VAD is ready:
      // the microphone may open while the VAD still loads, and nothing it hears meanwhile is lost.
      let queue = vadLoad.then(
        () => {
          engine = dependencies.createEngine(nMels, segmenter);
        },
        (error: unknown) => {
          failure = error;
          // Without a VAD the stream cannot work: end it now rather than when the user stops.
          void finishStream?.('stopped');
        },
      );
      let levelFrames = 0;
      let levelEnergy = 0;
      batches.onmessage = (message: MessageEvent<FeatureBatch>) => {
        const batch = message.data;
        batchCount++;
        // The meter moves at once, even while the VAD still loads, at ~33 Hz whatever the batch size.
        levelFrames += batch.energy.length;
        levelEnergy = Math.max(levelEnergy, loudestEnergy(batch.energy));
        if (levelFrames >= LEVEL_FRAMES) {
          context.chunk({ type: 'level', levelDb: powerToDb(levelEnergy) });
          levelFrames = 0;
          levelEnergy = 0;
        }
        queue = queue.then(async () => {
          if (failure || !engine) return;
          try {
            emit(await engine.push(batch));
          } catch (error) {
            failure = error;
          }
        });
      };
      if (reference) {
        // Reference blocks go in on arrival, between batches: the echo gate places them by the microphone frames heard so far.
        reference.onmessage = (message: MessageEvent<ReferenceBlock>) => engine?.pushReference?.(message.data);
      }
      return new Promise((resolve, reject) => {
        finishStream = async (reason) => {
          batches.onmessage = null;
          batches.close();
          if (reference) {
            reference.onmessage = null;
            reference.close();
          }
          await queue;
          finishStream = null;
          if (failure || !engine) return reject(failure);
          emit(reason === 'stopped' ? await engine.flush() : engine.inputLost());
          resolve({ batches: batchCount });
        };
        context.signal.addEventListener('abort', () => void finishStream?.('stopped'), { once: true });
      });
    },

    async finish({ reason }) {
      await finishStream?.(reason);
    },
  };
}
