/** What the feature pipeline hands on: 16 kHz PCM and the feature frames computed from it. */
export interface FeatureBatch {
  /** 16 kHz mono PCM produced since the previous batch. */
  pcm16k: Float32Array;
  /** Index, in 16 kHz samples since the stream started, of pcm16k[0]. */
  firstSample: number;
  /** log10 power-mel frames, row-major [frameCount x nMels]; frame i is centred on sample i * 160. */
  logMel: Float32Array;
  /** Frame energy e_t (l2 norm of the power-mel frame, a power quantity) per frame. */
  energy: Float32Array;
  /** Index of the first frame in this batch. */
  firstFrame: number;
  /** Mel bins per frame: 80, or 128 for Whisper large-v3. */
  nMels: number;
}
