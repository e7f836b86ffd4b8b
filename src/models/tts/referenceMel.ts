import { RealPowerSpectrum } from '../../audio/dsp/fft';
import { StreamingResampler } from '../../audio/dsp/resampler';
import { periodicHann } from '../../audio/dsp/window';
import { MelFilterbank } from '../../audio/dsp/melFilterbank';

/** StyleTTS2 (LibriTTS) reference-audio front end, meldataset.py `preprocess`: its constants, in its units. */
export const STYLE_INPUT_RATE_HZ = 16_000;
export const STYLE_SAMPLE_RATE_HZ = 24_000;
export const STYLE_N_FFT = 2048;
export const STYLE_WINDOW_SAMPLES = 1200;
export const STYLE_HOP_SAMPLES = 300;
export const STYLE_N_MELS = 80;
/** StyleTTS2 builds MelSpectrogram without sample_rate, so torchaudio labels the bins as if 16 kHz (f_max 8 kHz) although the audio is 24 kHz. */
export const STYLE_FILTERBANK_RATE_HZ = 16_000;
const LOG_FLOOR = 1e-5;
const NORMALISE_MEAN = -4;
const NORMALISE_STD = 4;
/** center=True reflect-pads n_fft / 2 on each side; reflection needs more samples than that. */
const CENTER_PAD_SAMPLES = STYLE_N_FFT / 2;
/** torch.stft zero-pads the 1200-sample window to 2048, centred. */
const WINDOW_OFFSET_SAMPLES = (STYLE_N_FFT - STYLE_WINDOW_SAMPLES) / 2;

export interface ReferenceMel {
  /** Normalised log-mel, row-major [STYLE_N_MELS x frames]. */
  data: Float32Array;
  frames: number;
}

let filterbank: MelFilterbank | undefined;
let spectrum: RealPowerSpectrum | undefined;
let window: Float64Array | undefined;

/** 16 kHz -> 24 kHz with the project's resampler (the whole clip, so it ends with flush()). */
function resampleTo24k(pcm16k: Float32Array): Float32Array {
  const resampler = new StreamingResampler(STYLE_INPUT_RATE_HZ, STYLE_SAMPLE_RATE_HZ);
  const out = new Float32Array(resampler.maxOutputLength(pcm16k.length) + resampler.maxOutputLength(0));
  const written = resampler.process(pcm16k, out);
  const total = written + resampler.flush(out.subarray(written));
  return out.subarray(0, total);
}

/** Sample `index` of `pcm` extended by reflection (numpy/torch 'reflect': the edge sample is not repeated). */
function reflected(pcm: Float32Array, index: number): number {
  const last = pcm.length - 1;
  const inside = index < 0 ? -index : index > last ? 2 * last - index : index;
  return pcm[inside]!;
}

/** Fewest 16 kHz samples referenceMel accepts: at 24 kHz the clip must exceed the 1024-sample reflect pad. */
export const REFERENCE_MEL_MIN_SAMPLES_16K = Math.ceil(((CENTER_PAD_SAMPLES + 1) * STYLE_INPUT_RATE_HZ) / STYLE_SAMPLE_RATE_HZ);

/**
 * StyleTTS2's reference mel of a 16 kHz clip: resample to 24 kHz, |STFT|^2 (periodic Hann 1200 in 2048, hop 300,
 * centred, reflect pad), 80 HTK mel filters, (log(1e-5 + mel) + 4) / 4. Frames = 1 + floor(samples24k / 300).
 */
export function referenceMel(pcm16k: Float32Array): ReferenceMel {
  if (pcm16k.length < REFERENCE_MEL_MIN_SAMPLES_16K) {
    throw new Error(`referenceMel: ${pcm16k.length} samples at 16 kHz are too short; at least ${REFERENCE_MEL_MIN_SAMPLES_16K} are needed for one frame`);
  }
  const pcm = resampleTo24k(pcm16k);
  // torchaudio.functional.melscale_fbanks(mel_scale='htk', norm=None), bins at linspace(0, rate // 2, bins).
  filterbank ??= new MelFilterbank({
    nMels: STYLE_N_MELS,
    nFft: STYLE_N_FFT,
    sampleRateHz: STYLE_FILTERBANK_RATE_HZ,
    minHz: 0,
    maxHz: STYLE_FILTERBANK_RATE_HZ / 2,
    melScale: 'htk',
    areaNormalised: false,
    binHz: Math.floor(STYLE_FILTERBANK_RATE_HZ / 2) / Math.floor(STYLE_N_FFT / 2),
  });
  spectrum ??= new RealPowerSpectrum(STYLE_N_FFT);
  window ??= periodicHann(STYLE_WINDOW_SAMPLES);
  const frames = 1 + Math.floor(pcm.length / STYLE_HOP_SAMPLES);
  const data = new Float32Array(STYLE_N_MELS * frames);
  const frame = new Float64Array(STYLE_N_FFT);
  const power = new Float64Array(spectrum.binCount);
  for (let t = 0; t < frames; t++) {
    // Frame t spans padded samples t*hop .. t*hop + n_fft, i.e. original samples from t*hop - n_fft/2.
    const first = t * STYLE_HOP_SAMPLES - CENTER_PAD_SAMPLES + WINDOW_OFFSET_SAMPLES;
    for (let n = 0; n < STYLE_WINDOW_SAMPLES; n++) frame[WINDOW_OFFSET_SAMPLES + n] = window[n]! * reflected(pcm, first + n);
    spectrum.compute(frame, power);
    filterbank.apply(power, data, t, frames);
  }
  for (let i = 0; i < data.length; i++) data[i] = (Math.log(LOG_FLOOR + data[i]!) - NORMALISE_MEAN) / NORMALISE_STD;
  return { data, frames };
}
