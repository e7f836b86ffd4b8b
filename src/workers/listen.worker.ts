import { cachedModelFile, MODEL_CACHE_NAME } from '../models/cachedModelFile';
import { useSelfHostedOrtWasm } from '../models/ortWasmFiles';
import { SileroVad } from '../models/vad/sileroVad';
import { createListenHandlers } from './listenHandlers';
import { createStreamEngine } from './streamEngine';
import { serve } from './serve';
import type { ListenApi } from './listenApi';
import type { Reply, Request } from './protocol';

const VAD_REMEDY = "Run 'npm install' (it copies the model from @ricky0123/vad-web into public/models/vad/).";

let vad: SileroVad | null = null;

const handle = serve<ListenApi>(
  createListenHandlers({
    async loadVad(vadModelUrl, onProgress) {
      // One thread is plenty for a 32 ms chunk every 32 ms.
      useSelfHostedOrtWasm(1);
      const cache = 'caches' in self ? await caches.open(MODEL_CACHE_NAME).catch(() => null) : null;
      const bytes = await cachedModelFile(vadModelUrl, VAD_REMEDY, cache, (p) => onProgress(p.loadedBytes, p.totalBytes));
      vad = await SileroVad.create(bytes);
      await vad.probability(new Float32Array(512));
      vad.reset();
    },
    createEngine(nMels, segmenter) {
      if (!vad) throw new Error('the VAD is not loaded');
      return createStreamEngine(vad, nMels, segmenter);
    },
  }),
  (reply: Reply<ListenApi>, transfer?: Transferable[]) => self.postMessage(reply, { transfer: transfer ?? [] }),
);

self.addEventListener('message', (event: MessageEvent<Request<ListenApi>>) => handle(event.data));
