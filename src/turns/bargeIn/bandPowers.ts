/** Bands the echo gate compares: coarse enough to be stable per 10 ms frame, fine enough to see another voice's formants. */
export const ECHO_GATE_BANDS = 8;

/** Sums one log10 power-mel frame into ECHO_GATE_BANDS contiguous bands of (nearly) equal mel width, as linear power. */
export function bandPowersOf(logMel: Float32Array, offset: number, nMels: number, out: Float64Array): void {
  out.fill(0);
  for (let bin = 0; bin < nMels; bin++) {
    const band = Math.min(ECHO_GATE_BANDS - 1, Math.floor((bin * ECHO_GATE_BANDS) / nMels));
    out[band]! += 10 ** logMel[offset + bin]!;
  }
}
