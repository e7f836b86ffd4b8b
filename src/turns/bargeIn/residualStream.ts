import { CENTER_PAD_SAMPLES, HOP_SAMPLES } from '../../audio/dsp/constants';
import { StreamingFrameFeatures } from '../../audio/dsp/frameFeatures';
import type { FeatureBatch } from '../../audio/featureBatch';
import { EchoCanceller, type EchoCancellerConfig } from './echoCanceller';

/**
 * A batch closes on the sample that completes its last frame: 200 samples past its centre, so the canceller's blocks
 * end there and add no wait. Frame 0 alone also reads sample 200 (its reflect padding): the first batch holds one
 * sample more, which passes through as it is and reaches the canceller with the next batch.
 */
const BATCH_END_PHASE = CENTER_PAD_SAMPLES % HOP_SAMPLES;

/**
 * The microphone's feature batches with the assistant's echo removed: the PCM through the echo canceller, the
 * frames computed again from what is left, so a batch comes out for each batch in, with the same frames and
 * samples. Batches must run from sample 0 without gaps and close where a frame completes (as FeaturePipeline's
 * do); from the first that does not (a stream's flushed tail), the microphone passes through unchanged.
 */
export class ResidualStream {
  readonly canceller: EchoCanceller;
  private readonly framer: StreamingFrameFeatures;
  private readonly nMels: number;
  private pcm = new Float32Array(0);
  /** The first batch's last sample, held back from the canceller until the next batch. */
  private readonly heldSample = new Float32Array(1);
  private holding = false;
  private logMel = new Float32Array(0);
  private energy = new Float32Array(0);
  private frames = 0;
  private nextSample = 0;
  private passThrough = false;

  constructor(nMels: number, config: Partial<EchoCancellerConfig> = {}) {
    this.canceller = new EchoCanceller({ blockSamples: HOP_SAMPLES, blockEndPhase: BATCH_END_PHASE, ...config });
    this.nMels = nMels;
    this.framer = new StreamingFrameFeatures({
      nMels,
      onFrame: (_, logMel, energy) => {
        if (this.frames < this.energy.length) {
          this.logMel.set(logMel, this.frames * nMels);
          this.energy[this.frames] = energy;
        }
        this.frames++;
      },
    });
  }

  /** Played PCM at 16 kHz, placed at microphone sample `firstSample`. */
  writeReference(firstSample: number, pcm: Float32Array): void {
    this.canceller.writeReference(firstSample, pcm);
  }

  /**
   * The batch with the echo removed (views over buffers reused by the next call), or `batch` itself while the
   * canceller passes through. `userPresent`: the user seemed to speak lately (the canceller stops learning).
   */
  cancel(batch: FeatureBatch, userPresent: boolean): FeatureBatch {
    if (this.passThrough || batch.firstSample !== this.nextSample || batch.nMels !== this.nMels) {
      this.passThrough = true;
      return batch;
    }
    const samples = batch.pcm16k.length;
    const frameCount = batch.energy.length;
    if (this.pcm.length < samples + 1) this.pcm = new Float32Array(samples + 1);
    if (this.energy.length < frameCount) {
      this.energy = new Float32Array(frameCount);
      this.logMel = new Float32Array(frameCount * this.nMels);
    }
    this.nextSample += samples;
    // out[0] is the held sample's residual, already given out: the batch's own start at 1.
    const out = this.pcm;
    let written: number;
    if (batch.firstSample === 0) {
      written = 1 + this.canceller.process(batch.pcm16k.subarray(0, samples - 1), out.subarray(1), userPresent);
      out[written++] = batch.pcm16k[samples - 1]!;
      this.heldSample[0] = batch.pcm16k[samples - 1]!;
      this.holding = true;
    } else {
      // The held sample completes no block by itself (0 written): its residual comes first, in out[0].
      written = this.holding ? this.canceller.process(this.heldSample, out, userPresent) : 1;
      written += this.canceller.process(batch.pcm16k, out.subarray(written), userPresent);
      this.holding = false;
    }
    if (written !== samples + 1) {
      this.passThrough = true;
      return batch;
    }
    this.frames = 0;
    this.framer.push(this.pcm, 1, samples + 1);
    if (this.frames !== frameCount || this.framer.framesEmitted !== batch.firstFrame + frameCount) {
      this.passThrough = true;
      return batch;
    }
    return {
      pcm16k: this.pcm.subarray(1, samples + 1),
      firstSample: batch.firstSample,
      logMel: this.logMel.subarray(0, frameCount * this.nMels),
      energy: this.energy.subarray(0, frameCount),
      firstFrame: batch.firstFrame,
      nMels: this.nMels,
    };
  }
}
