import { powerToDb } from '../audio/dsp/energy';

/** How the reply is spoken (ES4R Stage 3): falling energy -> comfort, rising -> encourage, stable -> neutral. */
export type Strategy = 'comfort' | 'encourage' | 'neutral';

/** Threshold tau on Delta_e (docs/es4r.md: our choice, 3 dB = half/double power). */
export const DEFAULT_TAU_DB = 3;

/** Turn energy e_k: mean of the frame energies e_t over the turn's speech frames (a power quantity). */
export function turnEnergy(energy: Float32Array, speechFrames: Uint8Array): number {
  if (energy.length !== speechFrames.length) {
    throw new RangeError(`turnEnergy: ${energy.length} energies but ${speechFrames.length} speech flags`);
  }
  let sum = 0;
  let count = 0;
  for (let t = 0; t < energy.length; t++) {
    if (speechFrames[t] !== 0) {
      sum += energy[t]!;
      count++;
    }
  }
  if (count === 0) throw new RangeError('turnEnergy: the turn has no speech frames');
  return sum / count;
}

/** dB of a turn energy e_k (10 log10: e is a power quantity). */
export function turnEnergyDb(energy: Float32Array, speechFrames: Uint8Array): number {
  return powerToDb(turnEnergy(energy, speechFrames));
}

/**
 * Delta_e = dB(e_{k-1}) - mean(dB(e_1) .. dB(e_{k-2})): the turn just ended against all earlier
 * user turns (docs/es4r.md). Input: the dialogue's user turn energies in dB, oldest first. Null with one turn.
 */
export function deltaDb(turnEnergiesDb: readonly number[]): number | null {
  const count = turnEnergiesDb.length;
  if (count < 2) return null;
  let earlierSumDb = 0;
  for (let k = 0; k < count - 1; k++) earlierSumDb += turnEnergiesDb[k]!;
  return turnEnergiesDb[count - 1]! - earlierSumDb / (count - 1);
}

/** Picks the speaking strategy: comfort if Delta_e <= -tau, encourage if >= +tau, else (and with one turn) neutral. */
export function strategyFor(
  turnEnergiesDb: readonly number[],
  tauDb: number = DEFAULT_TAU_DB,
): { strategy: Strategy; deltaDb: number | null } {
  if (!(Number.isFinite(tauDb) && tauDb > 0)) throw new RangeError(`strategyFor: tauDb must be a finite number > 0, got ${tauDb}`);
  const delta = deltaDb(turnEnergiesDb);
  if (delta === null) return { strategy: 'neutral', deltaDb: null };
  if (delta <= -tauDb) return { strategy: 'comfort', deltaDb: delta };
  if (delta >= tauDb) return { strategy: 'encourage', deltaDb: delta };
  return { strategy: 'neutral', deltaDb: delta };
}
