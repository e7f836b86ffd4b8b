import { LOG_MEL_DYNAMIC_RANGE } from './constants';

/** Whisper's final step over a whole window, in place: x = max(x, max - 8); x = (x + 4) / 4. */
export function normalizeWhisperLogMel(logMel: Float32Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logMel.length; i++) if (logMel[i]! > max) max = logMel[i]!;
  const floor = max - LOG_MEL_DYNAMIC_RANGE;
  for (let i = 0; i < logMel.length; i++) logMel[i] = (Math.max(logMel[i]!, floor) + 4) / 4;
}

/** Frame-major [frames x nMels] -> Whisper's mel-major [nMels x frames], into `out` (a caller buffer or a new one); returns it. */
export function transposeFrameMajor(
  frameMajor: Float32Array,
  nMels: number,
  out: Float32Array = new Float32Array(frameMajor.length),
): Float32Array {
  const frames = frameMajor.length / nMels;
  if (!Number.isInteger(frames) || out.length < frameMajor.length) {
    throw new Error(`need a whole number of ${nMels}-mel frames and an output of ${frameMajor.length} values`);
  }
  for (let f = 0; f < frames; f++) {
    for (let m = 0; m < nMels; m++) out[m * frames + f] = frameMajor[f * nMels + m]!;
  }
  return out;
}
