/** The outcome of checking one model's WebGPU run against wasm, remembered per adapter and model file. */
export interface SelfCheckVerdict {
  agrees: boolean;
  /** What was compared and by how much they differed, e.g. "q4 on both: relative error 3.0e-4 <= 0.05". */
  evidence: string;
  checkedAtMs: number;
}

/** Verdicts are keyed by adapter and by the model's file hash (or id and size where no hash is known). */
export function verdictKey(adapterKey: string, modelFingerprint: string): string {
  return `${adapterKey}#${modelFingerprint}`;
}
