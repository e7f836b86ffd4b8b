import type { ModelFamily } from '../loadModel';
import type { SelfCheckProbe } from './probe';
import type { RuntimeDevice } from '../device/chooseDevice';

/**
 * A miscomputing backend on purpose: what the model gives on WebGPU is corrupted the way a broken kernel would
 * corrupt it (logits reversed in rank, speech moved to other frequencies by x[n](-1)^n, raw values negated).
 * The fallback is tested with it, so tests hold whether or not onnxruntime still miscomputes some Convs.
 */
export function corruptProbe(probe: SelfCheckProbe): SelfCheckProbe {
  if (probe.kind === 'waveform') return { ...probe, outputs: probe.outputs.map((samples) => samples.map((x, n) => (n % 2 ? -x : x))) };
  return { ...probe, outputs: probe.outputs.map((values) => values.map((x) => -x)) };
}

/** The family with a fault injected into its WebGPU runs (a test hook; the page offers it only under automation). */
export function withWebGpuFault<M extends object>(family: ModelFamily<M>): ModelFamily<M> {
  const devices = new WeakMap<M, RuntimeDevice>();
  return {
    async load(modelId, device, dtype, onFileProgress) {
      const model = await family.load(modelId, device, dtype, onFileProgress);
      devices.set(model, device);
      return model;
    },
    async warmUp(model, options) {
      const probe = await family.warmUp(model, options);
      return devices.get(model) === 'webgpu' ? corruptProbe(probe) : probe;
    },
    dispose: (model) => family.dispose(model),
  };
}
