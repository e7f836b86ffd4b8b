import { StreamingResampler } from '../dsp/resampler';

/**
 * Resamples whole TTS chunks (24 kHz) to the playback rate when the browser did not honour the
 * 24 kHz AudioContext. Each chunk is an independent utterance: zero before and after it, so its
 * output has exactly round(n * outputRateHz / inputRateHz) samples and nothing leaks across chunks.
 */
export class ChunkResampler {
  private readonly resampler: StreamingResampler;

  constructor(inputRateHz: number, outputRateHz: number) {
    this.resampler = new StreamingResampler(inputRateHz, outputRateHz);
  }

  get outputRateHz(): number {
    return this.resampler.outputRateHz;
  }

  /** A new array (transferable) holding `pcm` at the output rate. */
  resample(pcm: Float32Array): Float32Array {
    const out = new Float32Array(this.resampler.maxOutputLength(pcm.length) + this.resampler.maxOutputLength(0));
    this.resampler.reset();
    const written = this.resampler.process(pcm, out);
    const total = written + this.resampler.flush(out.subarray(written));
    return out.slice(0, total);
  }
}
