import type { Turn } from '../turns/turn';
import { measureCues } from './affectCues';
import type { ReplySettings } from './conversation';
import { appendUserTurn, recordCueNote, userTurns, type Dialogue } from './dialogue';
import { promptCueNote } from './prompt';
import { strategyFor } from './strategy';

/**
 * The dialogue a reply to `turn` reads, built before the turn is handed over: the user turn with its strategy, cues and
 * the cue note it will be sent with, as Conversation builds them. A speculative prefill runs on it, so the reply's
 * prompt finds its prefix cached; turnPrompt.test.ts checks that both build the same dialogue.
 */
export function promptDialogueFor(dialogue: Dialogue, turn: Turn, transcript: string, settings: ReplySettings): Dialogue {
  const earlierDb = userTurns(dialogue).map((t) => t.energyDb);
  const { strategy, deltaDb } = strategyFor([...earlierDb, turn.energyDb], settings.tauDb);
  const { startMs, endMs, energyDb, energy, speechFrames } = turn;
  const cues = measureCues({ transcript, startMs, endMs, energyDb, energy, speechFrames, strategy, deltaDb }, dialogue);
  const withUser = appendUserTurn(dialogue, { transcript, startMs, endMs, energyDb, strategy, deltaDb, cues });
  const userTurn = userTurns(withUser).at(-1)!;
  return recordCueNote(withUser, userTurn.id, promptCueNote(userTurn, settings));
}
