/** The outcome of running one model's warm-up on WebGPU and on wasm, remembered per adapter and model file. */
export interface SelfCheckVerdict {
  agrees: boolean;
  /** max |webgpu - wasm| / max |wasm| over all outputs. */
  relativeError: number;
  tolerance: number;
  checkedAtMs: number;
}

/** Verdicts are keyed by adapter and by the model's file hash (or id and size where no hash is known). */
export function verdictKey(adapterKey: string, modelFingerprint: string): string {
  return `${adapterKey}#${modelFingerprint}`;
}
