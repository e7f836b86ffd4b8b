import { concatFloat32 } from '../concatArrays';
import { HOP_SAMPLES, RENDER_QUANTUM_SAMPLES, SAMPLE_RATE_HZ } from './dsp/constants';
import { normalizeWhisperLogMel, transposeFrameMajor } from './dsp/whisperNormalize';
import { FeaturePipeline } from './featurePipeline';

export interface RecordingLogMel {
  /** Whisper-normalised log-mel, row-major [nMels x frameCount]. */
  data: Float32Array;
  nMels: number;
  /** floor(samples at 16 kHz / 160). */
  frameCount: number;
}

/**
 * The Whisper-normalised log-mel of a whole recording (at most one 30 s window), computed by the
 * streaming path fed in 128-sample blocks, exactly as the AudioWorklet would.
 */
export function recordingLogMel(samples: Float32Array, inputRateHz: number, nMels: 80 | 128): RecordingLogMel {
  const frames: Float32Array[] = [];
  let samples16k = 0;
  const pipeline = new FeaturePipeline({
    inputRateHz,
    nMels,
    // The batch arrays are views reused after the callback: copy them.
    onBatch: (batch) => {
      samples16k += batch.pcm16k.length;
      frames.push(batch.logMel.slice());
    },
  });
  for (let start = 0; start < samples.length; start += RENDER_QUANTUM_SAMPLES) {
    pipeline.push(samples.subarray(start, start + RENDER_QUANTUM_SAMPLES));
  }
  pipeline.flush();

  const frameCount = Math.floor(samples16k / HOP_SAMPLES);
  const logMel = concatFloat32(frames);
  if (logMel.length < frameCount * nMels) {
    throw new Error(`FeaturePipeline gave ${logMel.length / nMels} frames for ${samples16k} samples at ${SAMPLE_RATE_HZ} Hz, expected ${frameCount}`);
  }
  const frameMajor = logMel.subarray(0, frameCount * nMels);
  normalizeWhisperLogMel(frameMajor);
  return { data: transposeFrameMajor(frameMajor, nMels), nMels, frameCount };
}
