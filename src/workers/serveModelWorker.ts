import type { ModelFamily } from '../models/loadModel';
import { configureTransformers, explainLoadError } from '../models/runtime/transformersRuntime';
import { createModelHandlers, type ModelSlot } from './modelHandlers';
import { serve } from './serve';
import type { ModelWorkerApi } from './modelApi';
import type { Reply, Request } from './protocol';

/** Threads for wasm inference; the page is cross-origin isolated, and two cores are the floor we plan for. */
const WASM_THREADS = 2;

/** Runs inside a model worker: serves `load` for one family and keeps its model in a slot. */
export function serveModelWorker<M>(family: ModelFamily<M>): ModelSlot<M> {
  const slot: ModelSlot<M> = { current: null };
  const handlers = createModelHandlers(family, slot, { prepare: (pack) => configureTransformers(pack, WASM_THREADS), explainError: explainLoadError });
  const handle = serve<ModelWorkerApi>(handlers, (reply: Reply<ModelWorkerApi>, transfer?: Transferable[]) =>
    self.postMessage(reply, { transfer: transfer ?? [] }),
  );
  self.addEventListener('message', (event: MessageEvent<Request<ModelWorkerApi>>) => handle(event.data));
  return slot;
}
