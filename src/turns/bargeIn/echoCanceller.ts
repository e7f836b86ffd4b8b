import { PartitionedBlockFilter } from '../../audio/dsp/partitionedBlockFilter';

/** Echo canceller settings; samples are 16 kHz. */
export interface EchoCancellerConfig {
  /** Samples per adaptation block: one 10 ms hop, so a block ends exactly where a feature frame completes. */
  blockSamples: number;
  /** Blocks of taps: partitions * blockSamples is the impulse response modelled (200 ms: direct sound and the reverb that matters). */
  partitions: number;
  /** Blocks of taps kept before the direct path the bulk delay points at (the delay is known to a 10 ms frame, and drifts). */
  preDelayBlocks: number;
  /** The bulk delay moves only when the target is this many blocks away (a frame of jitter costs nothing: the taps cover it). */
  delayHysteresisBlocks: number;
  /** NLMS step per block (0..2]; 1 converges fastest here (the zero-padded error halves the gradient). */
  step: number;
  /** Reference power floor per sample (-60 dBFS): keeps the per-bin normalization finite in silent bins. */
  referenceFloorPower: number;
  /** Double talk: a block's error this many dB above the residual echo expected of the microphone level. */
  doubleTalkDb: number;
  /** Double talk (Geigel): the microphone's peak this many dB above the reference's peak under the taps times the path's gain. */
  peakMarginDb: number;
  /** Blocks not learned from after double talk was last seen (a burst's decay, the user's next syllable). */
  doubleTalkHoldBlocks: number;
  /**
   * Blocks before double talk is seen whose adaptation is taken back: a burst's or the user's first blocks, learned
   * while the guards sat just under their thresholds, would otherwise stay in the filter and leave echo after them.
   */
  rollbackBlocks: number;
  /** Reference history kept, in samples (the longest delay + the taps + how far ahead the reference arrives). */
  referenceCapacitySamples: number;
  /** The block grid: blocks end at samples congruent to this modulo blockSamples. */
  blockEndPhase: number;
}

export const DEFAULT_ECHO_CANCELLER_CONFIG: Readonly<EchoCancellerConfig> = Object.freeze({
  blockSamples: 160,
  partitions: 20,
  preDelayBlocks: 3,
  delayHysteresisBlocks: 2,
  step: 1,
  referenceFloorPower: 1e-6,
  doubleTalkDb: 8,
  peakMarginDb: 6,
  doubleTalkHoldBlocks: 5,
  rollbackBlocks: 2,
  referenceCapacitySamples: 48_000,
  blockEndPhase: 0,
});

/** What the canceller has done so far, for diagnostics and tests. */
export interface EchoCancellerStats {
  /** Bulk delay in samples (null: not known, the microphone passes through). */
  bulkDelaySamples: number | null;
  /** Smoothed echo return loss enhancement over blocks with echo and no double talk, dB. */
  erleDb: number;
  adaptedBlocks: number;
  /** Blocks with a reference playing that were not adapted on: double talk (told, or seen). */
  frozenBlocks: number;
  /** Adaptations taken back because double talk followed them. */
  rolledBackBlocks: number;
}

/** A reference block below this power per sample is silence: nothing to learn from. */
const SILENCE_POWER = 1e-9;
/** The expected error-to-microphone ratio (dB) falls fast to a better block and rises at most this fast, so double talk cannot lock adaptation out for long. */
const RATIO_FALL = 0.3;
const RATIO_RISE_DB_PER_BLOCK = 0.05;
const ERLE_SMOOTHING = 0.05;
/** The path's peak gain tracks the 90th percentile of microphone-to-reference peak ratios, 1 dB steps: falls 10 dB/s, rises 90. */
const PEAK_GAIN_QUANTILE = 0.9;
const PEAK_GAIN_STEP_DB = 1;

/**
 * Removes the assistant's own voice from the 16 kHz microphone stream with what the app knows exactly, the signal it
 * played: the reference, placed on the microphone's sample index, delayed by a bulk delay (the echo gate's estimate,
 * in whole blocks, preDelayBlocks early) and filtered by a partitioned-block NLMS filter that learns the room. The
 * filter adapts only on blocks without double talk: the caller says when the user seems present, and a block whose
 * error jumps doubleTalkDb over what the echo left lately, or whose peak is louder than the reference's under the
 * taps through the path's learned peak gain (Geigel), is not learned from either, nor the few after it. When the
 * caller or the Geigel test finds double talk, the adaptations of the rollbackBlocks blocks before it are taken back:
 * double talk is seen a block or two after it begins. Output = microphone - estimate.
 * Pure: no clocks, no I/O; processing allocates nothing.
 */
export class EchoCanceller {
  readonly config: EchoCancellerConfig;
  private readonly filter: PartitionedBlockFilter;
  private readonly reference: Float32Array;
  private referenceEnd = 0;
  /** The microphone block being filled; it starts at sample blockStart. */
  private readonly micBlock: Float32Array;
  private micFill: number;
  private blockStart: number;
  /** Output samples of the first block that lie before the stream (the grid's phase). */
  private skipOut: number;
  private readonly referenceBlock: Float32Array;
  private readonly estimateBlock: Float64Array;
  private readonly errorBlock: Float64Array;
  private readonly regularization: number;
  /** Reference power of the blocks under the filter's taps, newest first (a ring). */
  private readonly spanPower: Float64Array;
  /** Reference peak of the same blocks. */
  private readonly spanPeak: Float64Array;
  private lastPeak = 0;
  /** Starts low: a burst in the first second is not learned; a louder path is learned within a few blocks (it rises 0.9 dB a block). */
  private peakGainDb = -20;
  private holdBlocks = 0;
  /** Whether each of the newest blocks was adapted on, newest in bit 0. */
  private adaptedBits = 0;
  private spanAt = 0;
  private delayBlocks: number | null = null;
  private expectedRatioDb = 0;
  private erle = 1;
  private adaptedBlocks = 0;
  private frozenBlocks = 0;
  private rolledBackBlocks = 0;

  constructor(config: Partial<EchoCancellerConfig> = {}) {
    this.config = { ...DEFAULT_ECHO_CANCELLER_CONFIG, ...config };
    const { blockSamples, partitions, step, referenceFloorPower, referenceCapacitySamples, blockEndPhase, rollbackBlocks } = this.config;
    if (!(step > 0 && step <= 2)) throw new RangeError(`EchoCanceller: step must lie in (0, 2], got ${step}`);
    if (!(Number.isInteger(rollbackBlocks) && rollbackBlocks >= 0 && rollbackBlocks <= 30)) throw new RangeError(`EchoCanceller: rollbackBlocks must be an integer in 0..30`);
    if (!(Number.isInteger(blockEndPhase) && blockEndPhase >= 0 && blockEndPhase < blockSamples)) {
      throw new RangeError(`EchoCanceller: blockEndPhase must be an integer in [0, blockSamples)`);
    }
    this.filter = new PartitionedBlockFilter(blockSamples, partitions, rollbackBlocks);
    this.reference = new Float32Array(referenceCapacitySamples);
    this.micBlock = new Float32Array(blockSamples);
    this.skipOut = (blockSamples - blockEndPhase) % blockSamples;
    this.micFill = this.skipOut;
    this.blockStart = -this.skipOut;
    this.referenceBlock = new Float32Array(blockSamples);
    this.estimateBlock = new Float64Array(blockSamples);
    this.errorBlock = new Float64Array(blockSamples);
    // The per-bin input power of an FFT over 2 blocks, summed over the partitions, at the floor level.
    this.regularization = 2 * blockSamples * partitions * referenceFloorPower;
    this.spanPower = new Float64Array(partitions);
    this.spanPeak = new Float64Array(partitions);
  }

  get stats(): EchoCancellerStats {
    return {
      bulkDelaySamples: this.delayBlocks === null ? null : this.delayBlocks * this.config.blockSamples,
      erleDb: 10 * Math.log10(this.erle),
      adaptedBlocks: this.adaptedBlocks,
      frozenBlocks: this.frozenBlocks,
      rolledBackBlocks: this.rolledBackBlocks,
    };
  }

  /** Whether the bulk delay is known: until then the microphone passes through and the estimate is zero. */
  get delayKnown(): boolean {
    return this.delayBlocks !== null;
  }

  /** Writes played samples (16 kHz) at microphone sample `firstSample`: a gap is silence, samples before the newest written are ignored. */
  writeReference(firstSample: number, pcm: Float32Array): void {
    const capacity = this.reference.length;
    if (firstSample > this.referenceEnd) {
      const gap = Math.min(firstSample - this.referenceEnd, capacity);
      for (let i = firstSample - gap; i < firstSample; i++) this.reference[i % capacity] = 0;
      this.referenceEnd = firstSample;
    }
    for (let i = Math.max(0, this.referenceEnd - firstSample, -firstSample); i < pcm.length; i++) this.reference[(firstSample + i) % capacity] = pcm[i]!;
    this.referenceEnd = Math.max(this.referenceEnd, firstSample + pcm.length);
  }

  /**
   * The loudspeaker-to-microphone delay of the direct sound, in samples (null: unknown). The taps start
   * preDelayBlocks before it, in whole blocks; a move shifts the learned response with it.
   */
  setDelay(delaySamples: number | null): void {
    const { blockSamples, preDelayBlocks, delayHysteresisBlocks } = this.config;
    if (delaySamples === null) return;
    const target = Math.max(0, Math.round(delaySamples / blockSamples) - preDelayBlocks);
    if (this.delayBlocks !== null && Math.abs(target - this.delayBlocks) < delayHysteresisBlocks) return;
    if (this.delayBlocks === null) this.filter.reset();
    else this.filter.shiftPartitions(target - this.delayBlocks);
    this.delayBlocks = target;
    this.refillInput();
  }

  /**
   * Cancels the echo in the next microphone samples; writes the residual of every completed block to `out` and
   * returns how many (all of them when blocks end where the input does). `userPresent`: the caller's double-talk say.
   */
  process(mic: Float32Array, out: Float32Array, userPresent: boolean): number {
    const B = this.config.blockSamples;
    let written = 0;
    for (let i = 0; i < mic.length; i++) {
      this.micBlock[this.micFill++] = mic[i]!;
      if (this.micFill < B) continue;
      this.processBlock(userPresent);
      for (let j = this.skipOut; j < B; j++) out[written++] = this.errorBlock[j]!;
      this.skipOut = 0;
      this.micFill = 0;
      this.blockStart += B;
    }
    return written;
  }

  private processBlock(userPresent: boolean): void {
    const B = this.config.blockSamples;
    this.adaptedBits = (this.adaptedBits << 1) & ((1 << (this.config.rollbackBlocks + 1)) - 1);
    if (this.delayBlocks === null) {
      for (let i = 0; i < B; i++) this.errorBlock[i] = this.micBlock[i]!;
      return;
    }
    const referencePower = this.readReference(this.blockStart - this.delayBlocks * B, this.referenceBlock);
    this.spanAt = (this.spanAt + this.config.partitions - 1) % this.config.partitions;
    this.spanPower[this.spanAt] = referencePower;
    this.spanPeak[this.spanAt] = this.lastPeak;
    this.filter.pushInput(this.referenceBlock);
    this.filter.estimate(this.estimateBlock);
    let micPower = 0;
    let micPeak = 0;
    let errorPower = 0;
    for (let i = 0; i < B; i++) {
      const error = this.micBlock[i]! - this.estimateBlock[i]!;
      this.errorBlock[i] = error;
      micPower += this.micBlock[i]! ** 2;
      micPeak = Math.max(micPeak, Math.abs(this.micBlock[i]!));
      errorPower += error * error;
    }
    let spanPower = 0;
    let spanPeak = 0;
    for (let p = 0; p < this.spanPower.length; p++) {
      spanPower += this.spanPower[p]!;
      spanPeak = Math.max(spanPeak, this.spanPeak[p]!);
    }
    if (spanPower <= SILENCE_POWER * B) return;
    const ratioDb = 10 * Math.log10(Math.max(errorPower, 1e-12) / Math.max(micPower, 1e-12));
    const peakRatioDb = 20 * Math.log10(Math.max(micPeak, 1e-9) / spanPeak);
    const jumped = ratioDb > this.expectedRatioDb + this.config.doubleTalkDb;
    const peaked = peakRatioDb > this.peakGainDb + this.config.peakMarginDb;
    if (userPresent || peaked) this.holdBlocks = this.config.doubleTalkHoldBlocks + 1;
    // An error jump alone takes nothing back: it fires on the reply's own onsets, and undoing those cost the bench ERLE and a miss.
    if ((userPresent || peaked) && this.adaptedBits !== 0) this.rollBack();
    this.expectedRatioDb += ratioDb < this.expectedRatioDb ? RATIO_FALL * (ratioDb - this.expectedRatioDb) : Math.min(ratioDb - this.expectedRatioDb, RATIO_RISE_DB_PER_BLOCK);
    // The peak gain learns from blocks the other two call echo: so a path louder than the gain assumed is learned, not locked out.
    if (!userPresent && !jumped) this.peakGainDb += peakRatioDb > this.peakGainDb ? PEAK_GAIN_QUANTILE * PEAK_GAIN_STEP_DB : -(1 - PEAK_GAIN_QUANTILE) * PEAK_GAIN_STEP_DB;
    const held = this.holdBlocks > 0;
    if (held) this.holdBlocks--;
    if (held || jumped) {
      this.frozenBlocks++;
      return;
    }
    this.erle += ERLE_SMOOTHING * (micPower / Math.max(errorPower, 1e-12) - this.erle);
    this.filter.adapt(this.errorBlock, this.config.step, this.regularization);
    this.adaptedBits |= 1;
    this.adaptedBlocks++;
  }

  /** Takes back what the blocks leading into double talk taught the filter. */
  private rollBack(): void {
    let adaptations = 0;
    for (let bits = this.adaptedBits; bits !== 0; bits >>>= 1) adaptations += bits & 1;
    this.filter.rollback(adaptations);
    this.adaptedBits = 0;
    this.rolledBackBlocks += adaptations;
  }

  /** The history the filter's partitions hold, at the current delay, ending before the block being filled. */
  private refillInput(): void {
    const B = this.config.blockSamples;
    this.filter.clearInput();
    this.spanPower.fill(0);
    for (let p = this.config.partitions; p >= 1; p--) {
      const power = this.readReference(this.blockStart - (this.delayBlocks! + p) * B, this.referenceBlock);
      this.spanAt = (this.spanAt + this.config.partitions - 1) % this.config.partitions;
      this.spanPower[this.spanAt] = power;
      this.spanPeak[this.spanAt] = this.lastPeak;
      this.filter.pushInput(this.referenceBlock);
    }
  }

  /** Reference samples [start, start + blockSamples) into `out` (unwritten or overwritten ones are silence); returns their power, keeps their peak in lastPeak. */
  private readReference(start: number, out: Float32Array): number {
    const capacity = this.reference.length;
    let power = 0;
    let peak = 0;
    for (let i = 0; i < out.length; i++) {
      const sample = start + i;
      const value = sample >= 0 && sample < this.referenceEnd && sample >= this.referenceEnd - capacity ? this.reference[sample % capacity]! : 0;
      out[i] = value;
      power += value * value;
      peak = Math.max(peak, Math.abs(value));
    }
    this.lastPeak = peak;
    return power;
  }
}
