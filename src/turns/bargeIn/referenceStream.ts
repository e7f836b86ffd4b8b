import { FRAME_RATE_HZ, HOP_SAMPLES } from '../../audio/dsp/constants';
import type { FeatureBatch } from '../../audio/featureBatch';
import { FeaturePipeline } from '../../audio/featurePipeline';

/** Arrival placement this far (10 ms frames) from the running one means the player paused or jumped: re-anchor. */
const REANCHOR_FRAMES = 10;

/**
 * What the app plays, turned into 16 kHz PCM and the same log-mel frames as the microphone and placed on the
 * microphone's frame and sample index: continuously, or by arrival when told where a block arrived and that drifts too far.
 */
export class ReferenceStream {
  private readonly pipeline: FeaturePipeline;
  /** Microphone frame of the pipeline's frame 0. */
  private anchor = 0;
  private framesOut = 0;

  /** `write` gets each batch with firstFrame and firstSample on the microphone's index; its arrays are valid only during the call. */
  constructor(inputRateHz: number, nMels: number, write: (placed: FeatureBatch) => void) {
    this.pipeline = new FeaturePipeline({
      inputRateHz,
      nMels,
      batchFrames: 1,
      onBatch: (batch) => {
        write({ ...batch, firstFrame: this.anchor + batch.firstFrame, firstSample: this.anchor * HOP_SAMPLES + batch.firstSample });
        this.framesOut = batch.firstFrame + batch.energy.length;
      },
    });
  }

  /** Feeds played samples; `arrivedAtFrame`: the microphone frame count when they arrived (live use), else continuous. */
  push(pcm: Float32Array, arrivedAtFrame?: number): void {
    if (arrivedAtFrame !== undefined) {
      const blockFrames = Math.round((pcm.length / this.pipeline.inputRateHz) * FRAME_RATE_HZ);
      const placedEnd = this.anchor + this.framesOut + blockFrames;
      if (Math.abs(placedEnd - arrivedAtFrame) > REANCHOR_FRAMES) this.anchor += arrivedAtFrame - placedEnd;
    }
    this.pipeline.push(pcm);
  }
}
