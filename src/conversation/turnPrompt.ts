import type { Turn } from '../turns/turn';
import type { ReplySettings } from './conversation';
import { recordCueNote, userTurns, type Dialogue } from './dialogue';
import { promptCueNote } from './prompt';
import { appendListenedTurn } from './userTurnFromTurn';

/**
 * The dialogue a reply to `turn` reads, built before the turn is handed over: the user turn with its strategy, cues and
 * the cue note it will be sent with, built as Conversation builds them (appendListenedTurn, promptCueNote). A speculative prefill runs on it, so the reply's
 * prompt finds its prefix cached; turnPrompt.test.ts checks that both build the same dialogue.
 */
export function promptDialogueFor(dialogue: Dialogue, turn: Turn, transcript: string, settings: ReplySettings): Dialogue {
  const withUser = appendListenedTurn(dialogue, turn, transcript, settings.tauDb);
  const userTurn = userTurns(withUser).at(-1)!;
  return recordCueNote(withUser, userTurn.id, promptCueNote(userTurn, settings));
}
