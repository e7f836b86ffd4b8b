import { MEL_MAX_HZ, MEL_MIN_HZ, N_FFT, SAMPLE_RATE_HZ } from './constants';

/** Slaney mel scale break: linear (3/200 mel per Hz) below 1 kHz, logarithmic above. */
const SLANEY_BREAK_HZ = 1000;
const SLANEY_BREAK_MEL = 15;
const SLANEY_HZ_PER_MEL = 200 / 3;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

/** Hz to mel on the Slaney scale (librosa htk=False). */
export function hzToSlaneyMel(hz: number): number {
  return hz < SLANEY_BREAK_HZ ? hz / SLANEY_HZ_PER_MEL : SLANEY_BREAK_MEL + Math.log(hz / SLANEY_BREAK_HZ) / SLANEY_LOG_STEP;
}

/** Mel on the Slaney scale to Hz. */
export function slaneyMelToHz(mel: number): number {
  return mel < SLANEY_BREAK_MEL ? mel * SLANEY_HZ_PER_MEL : SLANEY_BREAK_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_BREAK_MEL));
}

export interface MelFilterbankOptions {
  nMels: number;
  nFft?: number;
  sampleRateHz?: number;
  minHz?: number;
  maxHz?: number;
  /** 'slaney' (librosa htk=False, Whisper) or 'htk' (torchaudio's default, StyleTTS2). */
  melScale?: 'slaney' | 'htk';
  /** Scale each triangle by 2 / (f_hi - f_lo) (norm='slaney'); false leaves peaks at 1 (norm=None). */
  areaNormalised?: boolean;
  /** Spacing of the FFT bins in Hz; torchaudio spaces them as (sampleRateHz // 2) / (bins - 1). */
  binHz?: number;
}

/** Hz to mel on the HTK scale (torchaudio mel_scale='htk'). */
export function hzToHtkMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

/** Mel on the HTK scale to Hz. */
export function htkMelToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

const MEL_SCALES = {
  slaney: { toMel: hzToSlaneyMel, toHz: slaneyMelToHz },
  htk: { toMel: hzToHtkMel, toHz: htkMelToHz },
} as const;

/**
 * Triangular mel filterbank between mel-spaced edges: by default Slaney's (librosa htk=False,
 * norm='slaney', Whisper's), each triangle scaled by 2 / (f_hi - f_lo) so all have the same area.
 * Stored sparse: each mel keeps only its non-zero run of FFT bins.
 */
export class MelFilterbank {
  readonly nMels: number;
  readonly binCount: number;
  /** First FFT bin of each filter. */
  readonly startBins: Int32Array;
  /** Offset of each filter's weights in `weights`; filter m spans offsets[m]..offsets[m+1]. */
  readonly offsets: Int32Array;
  /** Non-zero weights of all filters, concatenated. */
  readonly weights: Float64Array;
  /** Filter edges in Hz: filter m rises from edgesHz[m], peaks at edgesHz[m+1], falls to edgesHz[m+2]. */
  readonly edgesHz: Float64Array;

  constructor({
    nMels,
    nFft = N_FFT,
    sampleRateHz = SAMPLE_RATE_HZ,
    minHz = MEL_MIN_HZ,
    maxHz = MEL_MAX_HZ,
    melScale = 'slaney',
    areaNormalised = true,
    binHz = sampleRateHz / nFft,
  }: MelFilterbankOptions) {
    this.nMels = nMels;
    this.binCount = Math.floor(nFft / 2) + 1;
    const { toMel, toHz } = MEL_SCALES[melScale];
    const minMel = toMel(minHz);
    const maxMel = toMel(maxHz);
    this.edgesHz = new Float64Array(nMels + 2);
    for (let i = 0; i < nMels + 2; i++) this.edgesHz[i] = toHz(minMel + ((maxMel - minMel) * i) / (nMels + 1));
    const dense: number[][] = [];
    this.startBins = new Int32Array(nMels);
    this.offsets = new Int32Array(nMels + 1);
    for (let m = 0; m < nMels; m++) {
      const lo = this.edgesHz[m]!;
      const peak = this.edgesHz[m + 1]!;
      const hi = this.edgesHz[m + 2]!;
      const areaNorm = areaNormalised ? 2 / (hi - lo) : 1;
      const run: number[] = [];
      let start = -1;
      for (let k = 0; k < this.binCount; k++) {
        const hz = k * binHz;
        const weight = Math.max(0, Math.min((hz - lo) / (peak - lo), (hi - hz) / (hi - peak))) * areaNorm;
        if (weight > 0) {
          if (start < 0) start = k;
          run[k - start] = weight;
        }
      }
      // A filter narrower than one bin has no weight; keep it empty (its mel is 0) as librosa does.
      this.startBins[m] = Math.max(start, 0);
      dense.push(Array.from(run, (w) => w ?? 0));
      this.offsets[m + 1] = this.offsets[m]! + run.length;
    }
    this.weights = Float64Array.from(dense.flat());
  }

  /** Dense weight of filter `mel` at FFT bin `bin` (for tests and inspection). */
  weightAt(mel: number, bin: number): number {
    const index = bin - this.startBins[mel]!;
    const length = this.offsets[mel + 1]! - this.offsets[mel]!;
    return index >= 0 && index < length ? this.weights[this.offsets[mel]! + index]! : 0;
  }

  /** outMel[outOffset + m * outStride] = sum_k weight[m][k] * power[k]. */
  apply(power: Float64Array | Float32Array, outMel: Float32Array | Float64Array, outOffset = 0, outStride = 1): void {
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
