// The end-of-turn rule of transformers.js-examples' conversational-webgpu demo, restated: Silero VAD on 512-sample
// chunks, speech above 0.3 (0.1 to stay in speech), a turn sent off after 400 ms of non-speech, padded by 80 ms.

export const PLAIN_CHUNK_SAMPLES = 512;
const RATE_PER_MS = 16;
export const PLAIN_SPEECH_THRESHOLD = 0.3;
export const PLAIN_EXIT_THRESHOLD = 0.1;
export const PLAIN_MIN_SILENCE_MS = 400;
export const PLAIN_SPEECH_PAD_MS = 80;
export const PLAIN_MIN_SPEECH_MS = 250;
const MAX_BUFFER_SAMPLES = 30 * 16_000;
/** Chunks kept from before the onset: enough to cover the pad. */
const PRE_CHUNKS = Math.ceil((PLAIN_SPEECH_PAD_MS * RATE_PER_MS) / PLAIN_CHUNK_SAMPLES);

/** A turn the demo would transcribe: stream samples [startSample, endSample) then `trailingZeros` of silence. */
export interface PlainSegment {
  /** The stream position (samples) at which the turn is sent off: the end of the chunk that decided it. */
  decidedAtSample: number;
  startSample: number;
  endSample: number;
  trailingZeros: number;
}

/** Feed one speech probability per consecutive 512-sample chunk; a finished turn comes back as a segment. */
export class PlainVadSegmenter {
  private recording = false;
  private chunksSeen = 0;
  /** First chunk of the buffer being recorded, and its length in samples. */
  private bufferStartChunk = 0;
  private bufferSamples = 0;
  private silenceSamples = 0;
  /** Non-speech chunks seen while idle, newest last, at most PRE_CHUNKS. */
  private preChunks = 0;

  push(probability: number): PlainSegment | null {
    const chunk = this.chunksSeen++;
    const isSpeech = probability > PLAIN_SPEECH_THRESHOLD || (this.recording && probability >= PLAIN_EXIT_THRESHOLD);
    if (!this.recording && !isSpeech) {
      this.preChunks = Math.min(PRE_CHUNKS, this.preChunks + 1);
      return null;
    }
    if (this.bufferSamples === 0) this.bufferStartChunk = chunk;
    this.bufferSamples += PLAIN_CHUNK_SAMPLES;
    if (this.bufferSamples >= MAX_BUFFER_SAMPLES) return this.dispatch(chunk);
    if (isSpeech) {
      this.recording = true;
      this.silenceSamples = 0;
      return null;
    }
    this.silenceSamples += PLAIN_CHUNK_SAMPLES;
    if (this.silenceSamples < PLAIN_MIN_SILENCE_MS * RATE_PER_MS) return null;
    if (this.bufferSamples < PLAIN_MIN_SPEECH_MS * RATE_PER_MS) {
      this.reset();
      return null;
    }
    return this.dispatch(chunk);
  }

  private dispatch(chunk: number): PlainSegment {
    const startSample = (this.bufferStartChunk - this.preChunks) * PLAIN_CHUNK_SAMPLES;
    const endSample = (chunk + 1) * PLAIN_CHUNK_SAMPLES;
    const segment = { decidedAtSample: endSample, startSample, endSample, trailingZeros: PLAIN_SPEECH_PAD_MS * RATE_PER_MS };
    this.reset();
    return segment;
  }

  private reset(): void {
    this.recording = false;
    this.bufferSamples = 0;
    this.silenceSamples = 0;
  }
}
