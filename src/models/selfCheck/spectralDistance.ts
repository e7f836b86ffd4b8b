import { RealPowerSpectrum } from '../../audio/dsp/fft';

/** Frame of the long-term spectrum: 1024 samples (43 ms at 24 kHz), Hann-windowed, half overlap. */
const FRAME_SIZE = 1024;
/** Bins quieter than this below the reference's loudest bin are noise floor, not voice: left out. */
const FLOOR_DB = 60;

/** Mean power per bin over all frames of a signal, in dB. */
function averageSpectrumDb(samples: Float32Array): Float64Array {
  const spectrum = new RealPowerSpectrum(FRAME_SIZE);
  const frame = new Float64Array(FRAME_SIZE);
  const power = new Float64Array(spectrum.binCount);
  const sum = new Float64Array(spectrum.binCount);
  const hop = FRAME_SIZE / 2;
  let frames = 0;
  for (let start = 0; start + FRAME_SIZE <= Math.max(samples.length, FRAME_SIZE); start += hop) {
    for (let n = 0; n < FRAME_SIZE; n++) frame[n] = (samples[start + n] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / FRAME_SIZE));
    spectrum.compute(frame, power);
    for (let k = 0; k < power.length; k++) sum[k]! += power[k]!;
    frames++;
  }
  return sum.map((total) => 10 * Math.log10(total / frames + 1e-20));
}

/**
 * RMS difference in dB between the long-term average spectra of two waveforms, over the bins where the
 * reference has voice. It ignores phase and small timing shifts (durations rounded differently by two
 * runtimes), which a sample-by-sample comparison of long speech would count as errors.
 */
export function spectralDistanceDb(candidate: Float32Array, reference: Float32Array): number {
  const a = averageSpectrumDb(candidate);
  const b = averageSpectrumDb(reference);
  const loudestDb = Math.max(...b);
  let sumSquares = 0;
  let bins = 0;
  for (let k = 0; k < b.length; k++) {
    if (b[k]! < loudestDb - FLOOR_DB) continue;
    sumSquares += (a[k]! - b[k]!) ** 2;
    bins++;
  }
  return bins === 0 ? Infinity : Math.sqrt(sumSquares / bins);
}
