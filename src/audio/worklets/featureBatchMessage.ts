import type { FeatureBatch } from '../featureBatch';

/** Copies a batch out of the pipeline's reusable buffers so it can be transferred to another thread. */
export function detachBatch(batch: FeatureBatch): { batch: FeatureBatch; transfer: ArrayBuffer[] } {
  const copy: FeatureBatch = {
    pcm16k: batch.pcm16k.slice(),
    firstSample: batch.firstSample,
    logMel: batch.logMel.slice(),
    energy: batch.energy.slice(),
    firstFrame: batch.firstFrame,
    nMels: batch.nMels,
  };
  return { batch: copy, transfer: [copy.pcm16k.buffer, copy.logMel.buffer, copy.energy.buffer] as ArrayBuffer[] };
}
