import type { StateCreator } from 'zustand';
import type { Strategy } from '../conversation/strategy';
import type { TurnEndReason } from '../turns/turn';

/** What the page shows of a turn; the turn's audio and log-mel stay out of the store. */
export interface TurnSummary {
  /** 1-based position in the conversation. */
  number: number;
  startMs: number;
  endMs: number;
  durationMs: number;
  energyDb: number;
  endReason: TurnEndReason;
  /** When its end was decided, on the stream's clock (ms since the stream started): benchmarks time the wait with it. */
  decidedAtMs: number;
  /** Frame energies of the speech frames in dB, for the trace of the latest turn. */
  frameEnergyDb: number[];
}

export interface DialogueSlice {
  turns: TurnSummary[];
  strategy: Strategy;
  /** Delta_e in dB of the latest turn against the earlier ones; null with fewer than two turns. */
  deltaDb: number | null;
  /** Turns that were too short to count (a cough, a click). */
  misfires: number;
}

export const createDialogueSlice: StateCreator<DialogueSlice, [], [], DialogueSlice> = () => ({
  turns: [],
  strategy: 'neutral',
  deltaDb: null,
  misfires: 0,
});
