/** How far apart two runs' outputs are, relative to the reference's magnitude. */
export interface OutputComparison {
  maxAbsDiff: number;
  relativeError: number;
  /** Why the outputs cannot be compared at all (shape mismatch, NaN), or null. */
  mismatch: string | null;
}

/** Smallest magnitude the relative error divides by, so an all-zero output does not divide by zero. */
const MIN_SCALE = 1e-6;

/** Compares candidate outputs (e.g. WebGPU) with reference outputs (wasm), output by output. */
export function compareOutputs(candidate: readonly Float32Array[], reference: readonly Float32Array[]): OutputComparison {
  if (candidate.length !== reference.length) {
    return { maxAbsDiff: Infinity, relativeError: Infinity, mismatch: `${candidate.length} outputs vs ${reference.length}` };
  }
  let maxAbsDiff = 0;
  let scale = MIN_SCALE;
  for (let k = 0; k < reference.length; k++) {
    const a = candidate[k]!;
    const b = reference[k]!;
    if (a.length !== b.length) return { maxAbsDiff: Infinity, relativeError: Infinity, mismatch: `output ${k} has ${a.length} values vs ${b.length}` };
    for (let i = 0; i < b.length; i++) {
      const diff = Math.abs(a[i]! - b[i]!);
      if (Number.isNaN(diff)) return { maxAbsDiff: Infinity, relativeError: Infinity, mismatch: `output ${k} holds NaN at ${i}` };
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      scale = Math.max(scale, Math.abs(b[i]!));
    }
  }
  return { maxAbsDiff, relativeError: maxAbsDiff / scale, mismatch: null };
}
