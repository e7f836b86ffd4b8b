/** Floor that keeps the dB of digital silence finite (-200 dB). */
const POWER_FLOOR = 1e-20;

/** Frame energy e_t: l2 norm of a power-mel frame (docs/es4r.md; stays a power quantity). */
export function frameEnergy(powerMel: Float32Array, offset = 0, nMels = powerMel.length - offset): number {
  let sumSquares = 0;
  for (let i = offset; i < offset + nMels; i++) {
    const p = powerMel[i]!;
    sumSquares += p * p;
  }
  return Math.sqrt(sumSquares);
}

/** dB of a power quantity: 10 log10. */
export function powerToDb(power: number): number {
  return 10 * Math.log10(Math.max(power, POWER_FLOOR));
}
