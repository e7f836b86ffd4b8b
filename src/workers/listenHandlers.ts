import { powerToDb } from '../audio/dsp/energy';
import type { FeatureBatch } from '../audio/featureBatch';
import type { ListenEvent } from '../turns/listenEngine';
import type { SegmenterConfig } from '../turns/segmenter';
import type { Handlers } from './protocol';
import type { ListenApi } from './listenApi';

/** The part of ListenEngine the worker drives. */
export interface StreamEngine {
  push(batch: FeatureBatch): Promise<ListenEvent[]>;
  flush(): Promise<ListenEvent[]>;
  inputLost(): ListenEvent[];
}

export interface ListenDependencies {
  /** Fetches, creates and warms up the VAD; called once by `load`. */
  loadVad(vadModelUrl: string, onProgress: (loadedBytes: number, totalBytes?: number) => void): Promise<void>;
  /** A fresh engine for one listening stream (sample indices restart at 0 with each capture). */
  createEngine(nMels: 80 | 128, segmenter: Partial<SegmenterConfig>): StreamEngine;
}

/** Buffers of a turn travel to the main thread by transfer, not copy. */
function transfersOf(event: ListenEvent): Transferable[] {
  if (event.type !== 'turn') return [];
  const { pcm16k, logMel, energy, speechFrames } = event.turn;
  return [pcm16k.buffer, logMel.buffer, energy.buffer, speechFrames.buffer] as ArrayBuffer[];
}

function loudestDb(energy: Float32Array): number {
  let loudest = 0;
  for (const e of energy) loudest = Math.max(loudest, e);
  return powerToDb(loudest);
}

export function createListenHandlers(dependencies: ListenDependencies): Handlers<ListenApi> {
  let loaded = false;
  let finishStream: ((reason: 'stopped' | 'inputLost') => Promise<void>) | null = null;

  return {
    async load({ vadModelUrl }, context) {
      const startMs = performance.now();
      await dependencies.loadVad(vadModelUrl, (loadedBytes, totalBytes) =>
        context.progress({ stage: 'vad', loadedBytes, ...(totalBytes === undefined ? {} : { totalBytes }) }),
      );
      loaded = true;
      return { loadMs: performance.now() - startMs };
    },

    listen({ batches, nMels, segmenter }, context) {
      if (!loaded) return Promise.reject(new Error('listen: the VAD is not loaded; call load first'));
      if (finishStream) return Promise.reject(new Error('listen: already listening; finish the current stream first'));
      const engine = dependencies.createEngine(nMels, segmenter);
      // Per-chunk VAD scores stay in the worker: ~31 messages a second that the page does not show.
      const emit = (events: ListenEvent[]) =>
        events.forEach((event) => event.type !== 'vad' && context.chunk(event, transfersOf(event)));
      let batchCount = 0;
      let failure: unknown = null;
      // Batches are processed strictly in order: the VAD is stateful and not re-entrant.
      let queue = Promise.resolve();
      batches.onmessage = (message: MessageEvent<FeatureBatch>) => {
        const batch = message.data;
        queue = queue.then(async () => {
          if (failure) return;
          batchCount++;
          context.chunk({ type: 'level', levelDb: loudestDb(batch.energy) });
          try {
            emit(await engine.push(batch));
          } catch (error) {
            failure = error;
          }
        });
      };
      return new Promise((resolve, reject) => {
        finishStream = async (reason) => {
          batches.onmessage = null;
          batches.close();
          await queue;
          finishStream = null;
          if (failure) return reject(failure);
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
