import { HOP_SAMPLES, N_MELS_DEFAULT, CENTER_PAD_SAMPLES } from './dsp/constants';
import { StreamingFrameFeatures } from './dsp/frameFeatures';
import { StreamingResampler } from './dsp/resampler';
import type { FeatureBatch } from './featureBatch';

/** Input samples resampled per step; push() accepts any length without allocating by looping in such pieces. */
export const MAX_BLOCK_SAMPLES = 4096;

export interface FeaturePipelineOptions {
  inputRateHz: number;
  /** 80, or 128 for Whisper large-v3. */
  nMels?: number;
  /** Frames per batch. */
  batchFrames?: number;
  /** Receives each batch; its arrays are views over internal buffers, valid only during the call. */
  onBatch: (batch: FeatureBatch) => void;
}

/**
 * Device-rate audio -> 16 kHz PCM -> log10 power mel + energy, in batches of `batchFrames` frames.
 * A batch closes on the sample that completes its last frame, so batches do not depend on the
 * block size; push() allocates nothing after construction (views are cached per length).
 */
export class FeaturePipeline {
  readonly inputRateHz: number;
  readonly nMels: number;
  readonly batchFrames: number;
  private readonly onBatch: (batch: FeatureBatch) => void;
  private readonly resampler: StreamingResampler;
  private readonly framer: StreamingFrameFeatures;
  private readonly resampled: Float32Array;
  private readonly pcm: Float32Array;
  private readonly logMel: Float32Array;
  private readonly energy: Float32Array;
  private readonly batch: FeatureBatch;
  private pcmCount = 0;
  private frameCountInBatch = 0;

  constructor({ inputRateHz, nMels = N_MELS_DEFAULT, batchFrames = 10, onBatch }: FeaturePipelineOptions) {
    if (!Number.isInteger(batchFrames) || batchFrames < 1) throw new Error(`batchFrames must be a positive integer, got ${batchFrames}`);
    this.inputRateHz = inputRateHz;
    this.nMels = nMels;
    this.batchFrames = batchFrames;
    this.onBatch = onBatch;
    this.resampler = new StreamingResampler(inputRateHz);
    this.framer = new StreamingFrameFeatures({ nMels, onFrame: (_, logMel, energy) => this.addFrame(logMel, energy) });
    this.resampled = new Float32Array(this.resampler.maxOutputLength(MAX_BLOCK_SAMPLES));
    // PCM between two batch closings: batchFrames hops, plus frame 0's look-ahead (201 samples).
    this.pcm = new Float32Array(batchFrames * HOP_SAMPLES + CENTER_PAD_SAMPLES + 1);
    this.logMel = new Float32Array(batchFrames * nMels);
    this.energy = new Float32Array(batchFrames);
    this.batch = { pcm16k: this.pcm.subarray(0, 0), firstSample: 0, logMel: this.logMel, energy: this.energy, firstFrame: 0, nMels };
  }

  /** Feeds one block of device-rate audio (any length; the worklet gives 128). */
  push(inputBlock: Float32Array): void {
    for (let start = 0; start < inputBlock.length; start += MAX_BLOCK_SAMPLES) {
      const end = Math.min(start + MAX_BLOCK_SAMPLES, inputBlock.length);
      const block = start === 0 && end === inputBlock.length ? inputBlock : inputBlock.subarray(start, end);
      this.feedFramer(this.resampler.process(block, this.resampled));
    }
  }

  /** Ends the stream: drains the resampler and the framer, then emits the last (possibly short) batch. */
  flush(): void {
    this.feedFramer(this.resampler.flush(this.resampled));
    this.framer.flush();
    if (this.frameCountInBatch > 0 || this.pcmCount > 0) this.emitBatch();
  }

  /** Forgets the stream so the pipeline can take a new one. */
  reset(): void {
    this.resampler.reset();
    this.framer.reset();
    this.pcmCount = 0;
    this.frameCountInBatch = 0;
    this.batch.firstSample = 0;
    this.batch.firstFrame = 0;
  }

  /** Hands resampled[0..count) to the framer in pieces that end where a frame completes. */
  private feedFramer(count: number): void {
    let offset = 0;
    while (offset < count) {
      const needed = this.framer.samplesForNextFrame - this.framer.samplesPushed;
      const end = Math.min(count, offset + needed);
      for (let i = offset; i < end; i++) this.pcm[this.pcmCount++] = this.resampled[i]!;
      this.framer.push(this.resampled, offset, end);
      offset = end;
    }
  }

  private addFrame(logMel: Float32Array, energy: number): void {
    this.logMel.set(logMel, this.frameCountInBatch * this.nMels);
    this.energy[this.frameCountInBatch] = energy;
    this.frameCountInBatch++;
    if (this.frameCountInBatch === this.batchFrames) this.emitBatch();
  }

  private emitBatch(): void {
    const batch = this.batch;
    if (batch.pcm16k.length !== this.pcmCount) batch.pcm16k = this.pcm.subarray(0, this.pcmCount);
    const frames = this.frameCountInBatch;
    if (batch.energy.length !== frames) {
      batch.energy = this.energy.subarray(0, frames);
      batch.logMel = this.logMel.subarray(0, frames * this.nMels);
    }
    this.onBatch(batch);
    batch.firstSample += this.pcmCount;
    batch.firstFrame += frames;
    this.pcmCount = 0;
    this.frameCountInBatch = 0;
  }
}
