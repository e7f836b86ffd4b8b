import { normalizeWhisperLogMel, transposeFrameMajor } from '../audio/dsp/whisperNormalize';

/** A turn's log10 mel (frame-major, owned by the caller) -> Whisper-normalised over the turn, in Whisper's [nMels x frames] layout. */
export function buildWhisperLogMel(frameMajor: Float32Array, nMels: number): Float32Array {
  normalizeWhisperLogMel(frameMajor);
  return transposeFrameMajor(frameMajor, nMels);
}
