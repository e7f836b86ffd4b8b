import type { Exclusive, ModelFamily } from '../loadModel';

/**
 * The family with each load (the fetch and the session's creation, where a model's bytes are held twice: in JS and
 * in the runtime's heap) taking its turn under `exclusive`; warm-ups and checks run beside other models' loads.
 */
export function withLoadTurns<M>(family: ModelFamily<M>, exclusive: Exclusive): ModelFamily<M> {
  return {
    load: (modelId, device, dtype, onFileProgress) => exclusive(() => family.load(modelId, device, dtype, onFileProgress)),
    warmUp: (model, options) => family.warmUp(model, options),
    dispose: (model) => family.dispose(model),
  };
}
