// A dialogue's audio as one recording: a single WAV as it is, or the turn WAVs one after another with silence
// between them long enough to end each turn.
import type { WavAudio } from '../../src/audio/wav/readWav';
import { concatFloat32 } from '../../src/concatArrays';

/** Well past the end-of-turn silence, so the listener ends each turn file's turn before the next begins. */
export const TURN_GAP_MS = 1500;

/** The joined recording, or why the turn files cannot be joined (different sample rates). */
export function joinTurnWavs(turns: readonly WavAudio[]): { audio: WavAudio } | { problem: string } {
  const rates = [...new Set(turns.map((turn) => turn.sampleRateHz))];
  if (rates.length > 1) return { problem: `the turn files differ in sample rate (${rates.join(', ')} Hz); give them one rate` };
  const sampleRateHz = rates[0]!;
  const gap = new Float32Array(Math.round((TURN_GAP_MS / 1000) * sampleRateHz));
  const pieces = turns.flatMap((turn) => [turn.samples, gap]);
  return { audio: { ...turns[0]!, samples: concatFloat32([gap, ...pieces]), sampleRateHz } };
}
