// The self-check's limits, per dtype and per kind of comparison. The figures they rest on are measured by
// `npm run bench:selfcheck` on the scale packs and listed in docs/self-check.md.
import type { Dtype } from '../device/chooseDevice';

/**
 * Largest relative error (max |webgpu - wasm| / max |wasm|) allowed when both sides run the same weights.
 * Quantised kernels dequantise in different orders on the two backends, and float16 rounds to 11 bits, so the
 * limit grows with the coarsest weights in play; a miscomputed kernel (the Conv bug) gives errors of order 1.
 */
export const NUMERIC_TOLERANCE: Readonly<Record<string, number>> = {
  fp32: 1e-2,
  fp16: 5e-2,
  q8: 5e-2,
  int8: 5e-2,
  uint8: 5e-2,
  q4: 5e-2,
  bnb4: 5e-2,
  q4f16: 1e-1,
};

/** The limit for a dtype choice: per-file dtypes take their coarsest file's limit. */
export function numericTolerance(dtype: Dtype): number {
  const names = typeof dtype === 'string' ? [dtype] : Object.values(dtype);
  return Math.max(...names.map((name) => NUMERIC_TOLERANCE[name] ?? NUMERIC_TOLERANCE.q4f16!));
}

/**
 * Two different weights (q4f16 on WebGPU, q4 on wasm) give different numbers but, when both are computed
 * right, rank the next tokens alike: most greedy tokens equal and most of the top-k shared. A broken kernel
 * ranks them like chance (k / vocabulary shared).
 */
export const TOKEN_RULE = {
  k: 10,
  minGreedyAgreement: 0.5,
  // Not 0.5: scale-lite Whisper with a q8 encoder against fp32 shares 43% of its top-10 with all greedy tokens equal.
  minTopKOverlap: 0.2,
} as const;

/** Long-term spectral distance allowed between two renderings of the same long phoneme input, in dB. */
export const SPECTRAL_TOLERANCE_DB = { sameWeights: 1, otherWeights: 3 } as const;
