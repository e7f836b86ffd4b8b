import { detectGpu, type GpuInfo } from '../models/device/gpuInfo';
import { loadWithFallback, referenceOnWasm, type Exclusive, type FileProgress, type ModelFamily } from '../models/loadModel';
import { withWebGpuFault } from '../models/selfCheck/injectFault';
import { withLoadTurns } from '../models/device/loadTurns';
import { MODEL_LOAD_LOCK, pageExclusive, SELF_CHECK_LOCK } from '../models/device/pageLocks';
import { verdictKey } from '../models/selfCheck/verdict';
import type { ModelLoadRequest, ModelWorkerApi } from './modelApi';
import type { CallContext, Handlers } from './protocol';

/** The loaded model of a worker, for the family-specific handlers that use it. */
export interface ModelSlot<M> {
  current: M | null;
}

export interface ModelHandlerOptions {
  /** Runs before each load, e.g. to point transformers.js at the pack and hand onnxruntime the page's compiled runtime. */
  prepare?(request: Pick<ModelLoadRequest, 'pack' | 'runtime' | 'ortRuntime'>, onFileProgress: (progress: FileProgress) => void): void;
  /** Turns a runtime's load error into the one the user should see. */
  explainError?(error: unknown): unknown;
  findGpu?(): Promise<GpuInfo | null>;
  /** How self-checks take turns; by default a Web Lock shared by the page's workers. */
  exclusive?: Exclusive;
  /** How model loads take turns, so that no two models' transient copies overlap; by default a Web Lock shared by the page's workers. */
  loadExclusive?: Exclusive;
}

/** `load` for any model family: device choice, fallback, self-check, progress per file. */
export function createModelHandlers<M extends object>(family: ModelFamily<M>, slot: ModelSlot<M>, options: ModelHandlerOptions = {}): Handlers<ModelWorkerApi> {
  const findGpu = options.findGpu ?? detectGpu;
  const exclusive = options.exclusive ?? pageExclusive(SELF_CHECK_LOCK);
  const inTurn = withLoadTurns(family, options.loadExclusive ?? pageExclusive(MODEL_LOAD_LOCK));
  const faulty = withWebGpuFault(inTurn);
  const fileProgressTo = (context: Pick<CallContext<never>, 'progress'>) => (progress: FileProgress) =>
    context.progress({ stage: progress.file, loadedBytes: progress.loadedBytes, ...(progress.totalBytes ? { totalBytes: progress.totalBytes } : {}) });
  return {
    async referenceProbe(request, context) {
      const onFileProgress = fileProgressTo(context);
      options.prepare?.({ ...request, runtime: 'wasm' }, onFileProgress);
      return exclusive(() => referenceOnWasm(inTurn, request.modelId, request.dtypes, onFileProgress));
    },
    async load(request, context) {
      const startMs = performance.now();
      const onFileProgress = fileProgressTo(context);
      options.prepare?.(request, onFileProgress);
      const gpu = await findGpu();
      const key = gpu ? verdictKey(gpu.adapterKey, request.fingerprint) : null;
      const previous = slot.current;
      slot.current = null;
      if (previous) await family.dispose(previous);
      const loaded = await loadWithFallback(
        request.injectFault ? faulty : inTurn,
        {
          modelId: request.modelId,
          dtypes: request.dtypes,
          preference: request.preference,
          gpu,
          ...(key && request.verdicts[key] ? { verdict: request.verdicts[key] } : {}),
          recheck: request.recheck,
          webGpuInRuntime: request.runtime === 'webgpu',
          ...(request.reference ? { reference: request.reference } : {}),
        },
        onFileProgress,
        { exclusive },
      ).catch((error: unknown) => {
        throw options.explainError ? options.explainError(error) : error;
      });
      slot.current = loaded.model;
      return {
        device: loaded.device,
        dtype: loaded.dtype,
        reason: loaded.reason,
        selfCheck: loaded.selfCheck,
        gpu,
        newVerdict: key && loaded.newVerdict ? { key, verdict: loaded.newVerdict } : null,
        loadMs: performance.now() - startMs,
        warmUpMs: loaded.warmUpMs,
      };
    },
  };
}
