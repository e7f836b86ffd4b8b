import type { ModelFamily } from '../loadModel';

/** A family whose wasm runs go to onnxruntime-node's CPU EP: transformers.js has no wasm device in Node. */
export function cpuStandsForWasm<M>(family: ModelFamily<M>): ModelFamily<M> {
  return {
    load: (modelId, device, dtype, onFileProgress) => family.load(modelId, device === 'wasm' ? 'cpu' : device, dtype, onFileProgress),
    warmUp: (model, options) => family.warmUp(model, options),
    dispose: (model) => family.dispose(model),
  };
}
