/** Silero VAD v5's stream contract, kept free of onnxruntime so pure code can import it. */

/** Sample rate the VAD runs at. */
export const VAD_SAMPLE_RATE_HZ = 16_000;
/** Samples per VAD chunk: v5 at 16 kHz takes exactly 512 (32 ms). */
export const VAD_CHUNK_SAMPLES = 512;
/** Samples of the previous chunk that v5 expects in front of each chunk. */
export const VAD_CONTEXT_SAMPLES = 64;

/** The VAD as the turn segmentation sees it: one speech probability per 512-sample chunk. */
export interface VoiceActivityDetector {
  /** Speech probability of the next 512-sample chunk of the stream (calls must not overlap). */
  probability(chunk: Float32Array): Promise<number>;
  /** Forget the stream: zero context and recurrent state. */
  reset(): void;
}
