import { CENTER_PAD_SAMPLES, HOP_SAMPLES } from '../../audio/dsp/constants';
import { StreamingFrameFeatures } from '../../audio/dsp/frameFeatures';
import type { FeatureBatch } from '../../audio/featureBatch';
import { EchoCanceller, type EchoCancellerConfig } from './echoCanceller';

/**
 * A batch closes on the sample that completes its last frame: 200 samples past its centre, so the canceller's blocks
 * end there and add no wait. Frame 0 alone also reads sample 200 (its reflect padding): a first batch of one frame
 * holds one sample more, which passes through as it is and reaches the canceller with the next batch.
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
  /** Frames of the echo estimate (microphone minus residual): what the residual echo follows in time and frequency. */
  private readonly estimateFramer: StreamingFrameFeatures;
  private readonly nMels: number;
  private pcm = new Float32Array(0);
  /** Samples past the batch's last block end, given out as they are and held back from the canceller until the next batch. */
  private readonly held = new Float32Array(HOP_SAMPLES);
  private heldCount = 0;
  private logMel = new Float32Array(0);
  private energy = new Float32Array(0);
  private frames = 0;
  private estimatePcm = new Float32Array(0);
  private estimateLogMelAll = new Float32Array(0);
  private estimateFrames = 0;
  private estimateValid = false;
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
    this.estimateFramer = new StreamingFrameFeatures({
      nMels,
      onFrame: (_, logMel) => {
        if (this.estimateFrames * nMels < this.estimateLogMelAll.length) this.estimateLogMelAll.set(logMel, this.estimateFrames * nMels);
        this.estimateFrames++;
      },
    });
  }

  /**
   * Log10 power mel of the echo estimate for the frames of the last batch cancel() returned (a view reused by the next
   * call), or null when that batch passed through unchanged.
   */
  get estimateLogMel(): Float32Array | null {
    return this.estimateValid ? this.estimateLogMelAll.subarray(0, this.estimateFrames * this.nMels) : null;
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
    this.estimateValid = false;
    if (this.passThrough || batch.firstSample !== this.nextSample || batch.nMels !== this.nMels) {
      this.passThrough = true;
      return batch;
    }
    const samples = batch.pcm16k.length;
    const frameCount = batch.energy.length;
    const B = this.canceller.config.blockSamples;
    if (this.pcm.length < samples + B) this.pcm = new Float32Array(samples + B);
    if (this.energy.length < frameCount) {
      this.energy = new Float32Array(frameCount);
      this.logMel = new Float32Array(frameCount * this.nMels);
      this.estimateLogMelAll = new Float32Array(frameCount * this.nMels);
    }
    if (this.estimatePcm.length < samples) this.estimatePcm = new Float32Array(samples);
    this.nextSample += samples;
    const hold = (((batch.firstSample + samples - BATCH_END_PHASE) % B) + B) % B;
    // out: the residual of the samples held last time (given out already, complete no block: 0 written), then the batch's.
    const out = this.pcm;
    const before = this.heldCount;
    let written = this.canceller.process(this.held.subarray(0, before), out, userPresent);
    written += this.canceller.process(batch.pcm16k.subarray(0, samples - hold), out.subarray(written), userPresent);
    if (written !== before + samples - hold) {
      this.passThrough = true;
      return batch;
    }
    for (let i = samples - hold; i < samples; i++) {
      out[before + i] = batch.pcm16k[i]!;
      this.held[i - samples + hold] = batch.pcm16k[i]!;
    }
    this.heldCount = hold;
    const residual = out.subarray(before, before + samples);
    this.frames = 0;
    this.framer.push(residual);
    if (this.frames !== frameCount || this.framer.framesEmitted !== batch.firstFrame + frameCount) {
      this.passThrough = true;
      return batch;
    }
    for (let i = 0; i < samples; i++) this.estimatePcm[i] = batch.pcm16k[i]! - residual[i]!;
    this.estimateFrames = 0;
    this.estimateFramer.push(this.estimatePcm, 0, samples);
    this.estimateValid = this.estimateFrames === frameCount;
    return {
      pcm16k: residual,
      firstSample: batch.firstSample,
      logMel: this.logMel.subarray(0, frameCount * this.nMels),
      energy: this.energy.subarray(0, frameCount),
      firstFrame: batch.firstFrame,
      nMels: this.nMels,
    };
  }
}
