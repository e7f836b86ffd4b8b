import { ComplexFft } from './fft';

/**
 * A partitioned-block frequency-domain adaptive filter (PBFDAF, overlap-save): `partitions` blocks of
 * `blockSamples` taps each, so blockSamples * partitions taps in all, filtered and adapted one block at a time.
 * The step is normalized per frequency bin by the input power over all partitions (an NLMS per bin); the
 * gradient constraint that keeps each partition's taps causal is applied to one partition per block, in turn.
 * The weights from before the last `rollbackDepth` adaptations are kept, so a caller that finds out late that
 * those blocks held something else than the echo can take them back. Spectra keep bins 0..blockSamples (the input
 * is real). Nothing is allocated after construction.
 */
export class PartitionedBlockFilter {
  readonly blockSamples: number;
  readonly partitions: number;
  private readonly fftSize: number;
  private readonly bins: number;
  private readonly fft: ComplexFft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** Weights per partition, bins 0..blockSamples. */
  private readonly weightRe: Float64Array;
  private readonly weightIm: Float64Array;
  /** Input spectra of the newest `partitions` blocks; slot `newest` holds partition 0. */
  private readonly inputRe: Float64Array;
  private readonly inputIm: Float64Array;
  private newest = 0;
  /** The previous input block: each spectrum covers it and the new block (overlap-save). */
  private readonly previousInput: Float64Array;
  private readonly inputPower: Float64Array;
  private readonly errorRe: Float64Array;
  private readonly errorIm: Float64Array;
  private constrainNext = 0;
  /** Weights (and the constraint's turn) before each of the newest adaptations: a ring of rollbackDepth slots. */
  private readonly pastRe: Float64Array[];
  private readonly pastIm: Float64Array[];
  private readonly pastConstrainNext: Int32Array;
  private pastAt = 0;
  private pastCount = 0;

  constructor(blockSamples: number, partitions: number, rollbackDepth = 0) {
    if (!(Number.isInteger(blockSamples) && blockSamples > 0 && Number.isInteger(partitions) && partitions > 0)) {
      throw new RangeError(`PartitionedBlockFilter: need positive integer blockSamples and partitions`);
    }
    if (!(Number.isInteger(rollbackDepth) && rollbackDepth >= 0)) throw new RangeError(`PartitionedBlockFilter: rollbackDepth must be an integer >= 0`);
    this.blockSamples = blockSamples;
    this.partitions = partitions;
    this.fftSize = 2 * blockSamples;
    this.bins = blockSamples + 1;
    this.fft = new ComplexFft(this.fftSize);
    this.re = new Float64Array(this.fftSize);
    this.im = new Float64Array(this.fftSize);
    this.weightRe = new Float64Array(partitions * this.bins);
    this.weightIm = new Float64Array(partitions * this.bins);
    this.inputRe = new Float64Array(partitions * this.bins);
    this.inputIm = new Float64Array(partitions * this.bins);
    this.previousInput = new Float64Array(blockSamples);
    this.inputPower = new Float64Array(this.bins);
    this.errorRe = new Float64Array(this.bins);
    this.errorIm = new Float64Array(this.bins);
    this.pastRe = Array.from({ length: rollbackDepth }, () => new Float64Array(partitions * this.bins));
    this.pastIm = Array.from({ length: rollbackDepth }, () => new Float64Array(partitions * this.bins));
    this.pastConstrainNext = new Int32Array(rollbackDepth);
  }

  /** Adaptations that rollback() can still take back. */
  get adaptationsKept(): number {
    return this.pastCount;
  }

  /** Taps: the longest impulse response the filter can model. */
  get taps(): number {
    return this.blockSamples * this.partitions;
  }

  /** Appends the next input block (blockSamples long); the oldest partition's input drops out. */
  pushInput(block: ArrayLike<number>): void {
    const B = this.blockSamples;
    for (let i = 0; i < B; i++) {
      this.re[i] = this.previousInput[i]!;
      this.re[B + i] = block[i]!;
      this.previousInput[i] = block[i]!;
    }
    this.im.fill(0);
    this.fft.transform(this.re, this.im);
    this.newest = (this.newest + this.partitions - 1) % this.partitions;
    const at = this.newest * this.bins;
    for (let k = 0; k < this.bins; k++) {
      this.inputRe[at + k] = this.re[k]!;
      this.inputIm[at + k] = this.im[k]!;
    }
  }

  /** Forgets the input history (the weights stay). */
  clearInput(): void {
    this.inputRe.fill(0);
    this.inputIm.fill(0);
    this.previousInput.fill(0);
  }

  /** Forgets the weights and the input. */
  reset(): void {
    this.weightRe.fill(0);
    this.weightIm.fill(0);
    this.pastCount = 0;
    this.clearInput();
  }

  /** Takes back the newest `adaptations` adaptations (at most those kept): the weights are as they were before them. */
  rollback(adaptations: number): void {
    const undo = Math.min(adaptations, this.pastCount);
    if (undo <= 0) return;
    const depth = this.pastRe.length;
    const slot = (this.pastAt - undo + depth) % depth;
    this.weightRe.set(this.pastRe[slot]!);
    this.weightIm.set(this.pastIm[slot]!);
    this.constrainNext = this.pastConstrainNext[slot]!;
    this.pastAt = slot;
    this.pastCount -= undo;
  }

  /** Moves the impulse response `blocks` partitions earlier (positive: the bulk delay before it grew) or later. */
  shiftPartitions(blocks: number): void {
    const { partitions, bins } = this;
    // Weights from before the move would put the response where it no longer is.
    this.pastCount = 0;
    const moved = (from: number, to: number): void => {
      this.weightRe.copyWithin(to * bins, from * bins, (from + 1) * bins);
      this.weightIm.copyWithin(to * bins, from * bins, (from + 1) * bins);
    };
    if (blocks > 0) for (let p = 0; p < partitions; p++) p + blocks < partitions ? moved(p + blocks, p) : this.clearPartition(p);
    if (blocks < 0) for (let p = partitions - 1; p >= 0; p--) p + blocks >= 0 ? moved(p + blocks, p) : this.clearPartition(p);
  }

  /** The filter's output for the newest input block, into `out` (blockSamples). */
  estimate(out: Float32Array | Float64Array): void {
    const { bins, partitions } = this;
    this.re.fill(0);
    this.im.fill(0);
    for (let p = 0; p < partitions; p++) {
      const x = ((this.newest + p) % partitions) * bins;
      const w = p * bins;
      for (let k = 0; k < bins; k++) {
        const xr = this.inputRe[x + k]!;
        const xi = this.inputIm[x + k]!;
        const wr = this.weightRe[w + k]!;
        const wi = this.weightIm[w + k]!;
        this.re[k]! += wr * xr - wi * xi;
        this.im[k]! += wr * xi + wi * xr;
      }
    }
    this.inverseToRe();
    const B = this.blockSamples;
    for (let i = 0; i < B; i++) out[i] = this.re[B + i]!;
  }

  /**
   * One NLMS step on the newest block's error (microphone minus estimate, blockSamples): each bin moves by
   * `step` of the way the error points, over the input power of all partitions plus `regularization`.
   */
  adapt(error: ArrayLike<number>, step: number, regularization: number): void {
    const { bins, partitions, blockSamples: B } = this;
    this.keepWeights();
    for (let i = 0; i < B; i++) {
      this.re[i] = 0;
      this.re[B + i] = error[i]!;
    }
    this.im.fill(0);
    this.fft.transform(this.re, this.im);
    this.inputPower.fill(regularization);
    for (let p = 0; p < partitions; p++) {
      const x = p * bins;
      for (let k = 0; k < bins; k++) this.inputPower[k]! += this.inputRe[x + k]! ** 2 + this.inputIm[x + k]! ** 2;
    }
    for (let k = 0; k < bins; k++) {
      const scale = step / this.inputPower[k]!;
      this.errorRe[k] = this.re[k]! * scale;
      this.errorIm[k] = this.im[k]! * scale;
    }
    for (let p = 0; p < partitions; p++) {
      const x = ((this.newest + p) % partitions) * bins;
      const w = p * bins;
      for (let k = 0; k < bins; k++) {
        // conj(X) * E
        const xr = this.inputRe[x + k]!;
        const xi = this.inputIm[x + k]!;
        const er = this.errorRe[k]!;
        const ei = this.errorIm[k]!;
        this.weightRe[w + k]! += xr * er + xi * ei;
        this.weightIm[w + k]! += xr * ei - xi * er;
      }
    }
    this.constrain(this.constrainNext);
    this.constrainNext = (this.constrainNext + 1) % partitions;
  }

  /** Keeps partition p's impulse response within its blockSamples taps (the rest would wrap around). */
  private constrain(p: number): void {
    const { bins, blockSamples: B } = this;
    const w = p * bins;
    for (let k = 0; k < bins; k++) {
      this.re[k] = this.weightRe[w + k]!;
      this.im[k] = this.weightIm[w + k]!;
    }
    this.inverseToRe();
    for (let i = B; i < this.fftSize; i++) this.re[i] = 0;
    this.im.fill(0);
    this.fft.transform(this.re, this.im);
    for (let k = 0; k < bins; k++) {
      this.weightRe[w + k] = this.re[k]!;
      this.weightIm[w + k] = this.im[k]!;
    }
  }

  private keepWeights(): void {
    const depth = this.pastRe.length;
    if (depth === 0) return;
    this.pastRe[this.pastAt]!.set(this.weightRe);
    this.pastIm[this.pastAt]!.set(this.weightIm);
    this.pastConstrainNext[this.pastAt] = this.constrainNext;
    this.pastAt = (this.pastAt + 1) % depth;
    this.pastCount = Math.min(this.pastCount + 1, depth);
  }

  private clearPartition(p: number): void {
    this.weightRe.fill(0, p * this.bins, (p + 1) * this.bins);
    this.weightIm.fill(0, p * this.bins, (p + 1) * this.bins);
  }

  /** re/im hold bins 0..blockSamples of a real signal's spectrum: leaves the signal in re (inverse DFT via conjugation). */
  private inverseToRe(): void {
    const N = this.fftSize;
    for (let k = 1; k < this.bins - 1; k++) {
      this.re[N - k] = this.re[k]!;
      this.im[N - k] = this.im[k]!;
    }
    // conj(FFT(conj(Z))) / N; the hermitian mirror conj(Z[k]) conjugated again is Z[k] itself.
    for (let k = 0; k < this.bins; k++) this.im[k] = -this.im[k]!;
    this.fft.transform(this.re, this.im);
    for (let i = 0; i < N; i++) this.re[i] = this.re[i]! / N;
  }
}
