import type { Turn } from '../turns/turn';
import { measureCues } from './affectCues';
import { appendUserTurn, userTurns, type Dialogue } from './dialogue';
import { strategyFor } from './strategy';

/** The dialogue with a listened turn appended as a user turn: its transcript, the strategy its energy implies, its cues. */
export function appendListenedTurn(dialogue: Dialogue, turn: Turn, transcript: string, tauDb: number): Dialogue {
  const earlierDb = userTurns(dialogue).map((t) => t.energyDb);
  const { strategy, deltaDb } = strategyFor([...earlierDb, turn.energyDb], tauDb);
  const { startMs, endMs, energyDb, energy, speechFrames } = turn;
  const cues = measureCues({ transcript, startMs, endMs, energyDb, energy, speechFrames, strategy, deltaDb }, dialogue);
  return appendUserTurn(dialogue, { transcript, startMs, endMs, energyDb, strategy, deltaDb, cues });
}
