import { powerToDb } from '../audio/dsp/energy';
import type { TurnSummary } from './dialogueSlice';
import type { Turn } from '../turns/turn';

/** The store's view of a turn: numbers to show, the frame trace of its speech in dB, no audio. */
export function summarizeTurn(turn: Turn): Omit<TurnSummary, 'number'> {
  const frameEnergyDb: number[] = [];
  turn.speechFrames.forEach((isSpeech, i) => {
    if (isSpeech) frameEnergyDb.push(powerToDb(turn.energy[i]!));
  });
  return {
    startMs: turn.startMs,
    endMs: turn.endMs,
    durationMs: turn.endMs - turn.startMs,
    energyDb: turn.energyDb,
    endReason: turn.endReason,
    decidedAtMs: turn.decidedAtMs,
    frameEnergyDb,
  };
}
