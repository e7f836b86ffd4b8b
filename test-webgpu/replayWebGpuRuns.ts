import type { ModelFamily } from '../src/models/loadModel';
import { dtypeLabel } from '../src/models/selfCheck/judgeProbes';
import type { SelfCheckProbe } from '../src/models/selfCheck/probe';

/** A model this family loaded, or a stand-in for a WebGPU self-check run it already recorded. */
export type Replayable<M> = { loaded: M } | { replayOf: string };

/**
 * The family with each model's WebGPU self-check run recorded the first time, per model id and dtype, and replayed
 * on later WebGPU loads instead of running again: under SwiftShader one run of Whisper-tiny's 1500-position encoder
 * takes about a minute, so a test of the fault decision reuses the run that the agreement test computed. Every wasm
 * (CPU) load and run is real.
 */
export function replayingWebGpuRuns<M>(family: ModelFamily<M>): ModelFamily<Replayable<M>> {
  const recorded = new Map<string, SelfCheckProbe>();
  const keyOf = new WeakMap<object, string>();
  return {
    async load(modelId, device, dtype, onFileProgress) {
      const key = `${modelId} ${dtypeLabel(dtype)}`;
      if (device === 'webgpu' && recorded.has(key)) return { replayOf: key };
      const handle = { loaded: await family.load(modelId, device, dtype, onFileProgress) };
      if (device === 'webgpu') keyOf.set(handle, key);
      return handle;
    },
    async warmUp(handle, options) {
      if ('replayOf' in handle) {
        if (!options?.forSelfCheck) throw new Error(`only self-check runs are recorded (${handle.replayOf})`);
        return recorded.get(handle.replayOf)!;
      }
      const probe = await family.warmUp(handle.loaded, options);
      const key = keyOf.get(handle);
      if (key && options?.forSelfCheck) recorded.set(key, probe);
      return probe;
    },
    dispose: async (handle) => {
      if ('loaded' in handle) await family.dispose(handle.loaded);
    },
  };
}
