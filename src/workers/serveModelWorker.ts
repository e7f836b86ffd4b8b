import type { ModelFamily } from '../models/loadModel';
import { configureTransformers, explainLoadError } from '../models/runtime/transformersRuntime';
import { createModelHandlers, type ModelSlot } from './modelHandlers';
import { serve } from './serve';
import type { ModelWorkerApi } from './modelApi';
import type { Api, Handlers, Reply, Request } from './protocol';

/** Threads for wasm inference; the page is cross-origin isolated, and two cores are the floor we plan for. */
const WASM_THREADS = 2;

/** The loaded model, or a clear error when a family method is called before `load` finished. */
export function requireModel<M>(slot: ModelSlot<M>): M {
  if (!slot.current) throw new Error('the model is not loaded yet');
  return slot.current;
}

/**
 * Runs inside a model worker: serves `load` for one family, keeps its model in a slot, and
 * serves the family's own methods, which read the slot.
 */
export function serveModelWorker<M, Extra extends Api>(
  family: ModelFamily<M>,
  familyHandlers: (slot: ModelSlot<M>) => Handlers<Extra>,
): void {
  type WorkerApi = ModelWorkerApi & Extra;
  const slot: ModelSlot<M> = { current: null };
  const handlers = {
    ...createModelHandlers(family, slot, { prepare: (pack) => configureTransformers(pack, WASM_THREADS), explainError: explainLoadError }),
    ...familyHandlers(slot),
  } as Handlers<WorkerApi>;
  const handle = serve<WorkerApi>(handlers, (reply: Reply<WorkerApi>, transfer?: Transferable[]) => self.postMessage(reply, { transfer: transfer ?? [] }));
  self.addEventListener('message', (event: MessageEvent<Request<WorkerApi>>) => handle(event.data));
}
