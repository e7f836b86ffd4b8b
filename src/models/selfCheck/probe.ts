/** What a model's warm-up hands the self-check: its outputs as float32, and how to read them. */
export type SelfCheckProbe =
  /** Outputs compared number by number only. */
  | { kind: 'raw'; outputs: Float32Array[] }
  /** outputs[0] holds [steps x vocabulary] logits: the next-token scores of the last `steps` positions. */
  | { kind: 'logits'; steps: number; outputs: Float32Array[] }
  /** outputs[0] is speech at `sampleRate`. */
  | { kind: 'waveform'; sampleRate: number; outputs: Float32Array[] };
