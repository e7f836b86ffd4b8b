/** Hz to mel on the HTK scale (torchaudio mel_scale='htk'). */
export function hzToHtkMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

/** Mel on the HTK scale to Hz. */
export function htkMelToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

export interface HtkMelFilterbankOptions {
  nMels: number;
  nFft: number;
  /** The rate the FFT bins are labelled with: bin k sits at k * sampleRateHz / nFft. */
  sampleRateHz: number;
  minHz: number;
  maxHz: number;
}

/**
 * torchaudio.functional.melscale_fbanks(mel_scale='htk', norm=None): unnormalised triangles
 * (peak 1) between HTK-mel-spaced edges. Stored sparse: each mel keeps its non-zero run of bins.
 */
export class HtkMelFilterbank {
  readonly nMels: number;
  readonly binCount: number;
  private readonly startBins: Int32Array;
  private readonly offsets: Int32Array;
  private readonly weights: Float64Array;

  constructor({ nMels, nFft, sampleRateHz, minHz, maxHz }: HtkMelFilterbankOptions) {
    this.nMels = nMels;
    this.binCount = Math.floor(nFft / 2) + 1;
    const minMel = hzToHtkMel(minHz);
    const maxMel = hzToHtkMel(maxHz);
    const edgesHz = Float64Array.from({ length: nMels + 2 }, (_, i) => htkMelToHz(minMel + ((maxMel - minMel) * i) / (nMels + 1)));
    // torchaudio spaces the bins as linspace(0, sampleRateHz // 2, binCount).
    const binHz = Math.floor(sampleRateHz / 2) / (this.binCount - 1);
    const runs: number[][] = [];
    this.startBins = new Int32Array(nMels);
    this.offsets = new Int32Array(nMels + 1);
    for (let m = 0; m < nMels; m++) {
      const lo = edgesHz[m]!;
      const peak = edgesHz[m + 1]!;
      const hi = edgesHz[m + 2]!;
      const run: number[] = [];
      let start = -1;
      for (let k = 0; k < this.binCount; k++) {
        const hz = k * binHz;
        const weight = Math.max(0, Math.min((hz - lo) / (peak - lo), (hi - hz) / (hi - peak)));
        if (weight > 0) {
          if (start < 0) start = k;
          run[k - start] = weight;
        }
      }
      this.startBins[m] = Math.max(start, 0);
      runs.push(Array.from(run, (w) => w ?? 0));
      this.offsets[m + 1] = this.offsets[m]! + run.length;
    }
    this.weights = Float64Array.from(runs.flat());
  }

  /** outMel[outOffset + m * outStride] = sum_k weight[m][k] * power[k]. */
  apply(power: Float64Array, outMel: Float32Array, outOffset: number, outStride: number): void {
    const { startBins, offsets, weights } = this;
    for (let m = 0; m < this.nMels; m++) {
      const end = offsets[m + 1]!;
      let bin = startBins[m]!;
      let sum = 0;
      for (let w = offsets[m]!; w < end; w++) sum += weights[w]! * power[bin++]!;
      outMel[outOffset + m * outStride] = sum;
    }
  }
}
