import type { FileProgress, ModelFamily } from '../models/loadModel';
import { configureTransformers, explainLoadError, prepareOurSessions, serveGraphsFromCache } from '../models/runtime/transformersRuntime';
import { createModelHandlers, type ModelSlot } from './modelHandlers';
import { serve } from './serve';
import type { GpuDeviceTestApi, ModelLoadRequest, ModelWorkerApi } from './modelApi';
import { useSharedOrtWasm } from '../models/runtime/sharedOrtWasm';
import { ortBuildFor } from '../models/ortWasmPaths';
import { requireModel } from './requireModel';
import { EVENT_ID, type Api, type Handlers, type Reply, type Request } from './protocol';
import { DeviceLossWatch, isLosableDevice } from '../models/device/deviceLoss';
import { ortGpuDevice } from '../models/device/deviceLossSource';

/** Threads for wasm inference; the page is cross-origin isolated, and two cores are the floor we plan for. */
const WASM_THREADS = 2;


/** A family's own methods over the loaded model, and what must run after each load before `load` answers. */
export interface FamilyWorker<M, Extra extends Api> {
  handlers: Handlers<Extra>;
  /** E.g. work every later request needs, such as a language model's system prompt. */
  afterLoad?(model: M): Promise<void>;
}

/**
 * Runs inside a model worker: serves `load` for one family, keeps its model in a slot, and
 * serves the family's own methods, which read the slot.
 */
export function serveModelWorker<M extends object, Extra extends Api>(family: ModelFamily<M>, familyWorker: (slot: ModelSlot<M>) => FamilyWorker<M, Extra>): void {
  type WorkerApi = ModelWorkerApi & GpuDeviceTestApi & Extra;
  const slot: ModelSlot<M> = { current: null };
  const post = (reply: Reply<WorkerApi>, transfer?: Transferable[]) => self.postMessage(reply, { transfer: transfer ?? [] });
  // A lost device cannot run again: the page replaces this worker and loads its model anew.
  const deviceWatch = new DeviceLossWatch((loss) => post({ id: EVENT_ID, type: 'event', payload: { kind: 'deviceLost', ...loss } }));
  const { handlers: ownHandlers, afterLoad } = familyWorker(slot);
  const prepare = ({ pack, runtime, ortRuntime }: Pick<ModelLoadRequest, 'pack' | 'runtime' | 'ortRuntime'>, onFileProgress: (progress: FileProgress) => void) => {
    const build = ortBuildFor(runtime);
    if (ortRuntime) useSharedOrtWasm(ortRuntime, build);
    configureTransformers(pack, WASM_THREADS, build);
    serveGraphsFromCache(pack, onFileProgress);
    prepareOurSessions();
  };
  const modelHandlers = createModelHandlers(family, slot, { prepare, explainError: explainLoadError });
  const handlers = {
    ...modelHandlers,
    async load(request, context) {
      const result = await modelHandlers.load(request, context);
      if (result.device === 'webgpu') deviceWatch.watch(await ortGpuDevice());
      await afterLoad?.(requireModel(slot));
      return result;
    },
    async destroyGpuDevice() {
      const device = await ortGpuDevice();
      if (!isLosableDevice(device)) return false;
      device.destroy();
      return true;
    },
    ...ownHandlers,
  } as Handlers<WorkerApi>;
  const handle = serve<WorkerApi>(handlers, post);
  self.addEventListener('message', (event: MessageEvent<Request<WorkerApi>>) => handle(event.data));
}
