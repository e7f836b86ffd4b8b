import type { AffectCues } from './affectCueTypes';
import type { Strategy } from './strategy';

/** One user turn as the conversation keeps it (the audio stays with the turn pipeline). */
export interface UserTurn {
  readonly kind: 'user';
  readonly id: number;
  readonly transcript: string;
  /** Speech onset and offset (VAD), ms since the stream started. */
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  /** Turn energy 10 log10(e_k). */
  readonly energyDb: number;
  readonly strategy: Strategy;
  /** Delta_e of this turn against the earlier ones; null for the first turn. */
  readonly deltaDb: number | null;
  readonly cues: AffectCues;
  /**
   * The note on how the turn was said, as the prompt of its reply carried it; null until that reply starts, or when
   * the prompt had none. Later prompts repeat it verbatim, so each extends the last and the LLM's KV cache holds.
   */
  readonly cueNote: string | null;
}

/** Which ES4R path answers: the transcript with affect cues (text), or the user's speech itself (speech). */
export type AnswerPath = 'text' | 'speech';
/** What the user asks for: a path, or auto (the speech path when the pack has an ES4R component, else the text path). */
export type AnswerPathSetting = AnswerPath | 'auto';

/** How a reply was produced: the path, and for the speech path which blocks ran and how many speech vectors it used. */
export interface ReplyRoute {
  readonly path: AnswerPath;
  /** Speech path only (false on the text path): dual-level affective attention before Whisper. */
  readonly dualAttention: boolean;
  /** Speech path only (false on the text path): cross-attention of the speech vectors over the text history. */
  readonly crossAttention: boolean;
  /** Speech vectors N in the LLM prompt; null on the text path. */
  readonly speechTokens: number | null;
  /** Why the text path answered although the speech path was asked for (e.g. no es4r component); else null. */
  readonly fallbackReason: string | null;
}

/** What the language model read for a reply: the prompt's tokens (speech vectors included) against its budget. */
export interface PromptSize {
  readonly tokens: number;
  /** Of those, the ones the model ran for this reply; the others came from the KV cache of earlier turns or a prefill. */
  readonly prefilledTokens: number;
  readonly budgetTokens: number;
  /** The oldest user turns (with their replies) left out so that the prompt fits the budget. */
  readonly droppedTurns: number;
}

/** One assistant reply; `streaming` is true while tokens still arrive. */
export interface AssistantTurn {
  readonly kind: 'assistant';
  readonly id: number;
  readonly text: string;
  /** The user barged in before the reply was fully spoken. */
  readonly interrupted: boolean;
  /** Generation or synthesis failed part-way. */
  readonly failed: boolean;
  readonly streaming: boolean;
  /** Null until the reply's route is decided (and for fixed replies such as the ask-to-repeat one). */
  readonly route: ReplyRoute | null;
  /** Null until the reply ends (and for fixed replies, which no model wrote). */
  readonly prompt: PromptSize | null;
}

export type DialogueTurn = UserTurn | AssistantTurn;

/** The dialogue history, oldest first; never mutated, every change returns a new value. */
export interface Dialogue {
  readonly turns: readonly DialogueTurn[];
  /** Id the next appended turn gets (ids are unique within a dialogue). */
  readonly nextId: number;
}

/** What the caller supplies for a user turn; id and duration are derived. */
export type NewUserTurn = Omit<UserTurn, 'kind' | 'id' | 'durationMs' | 'cueNote'>;

/** How a streamed reply ended. */
export type ReplyOutcome = 'complete' | 'interrupted' | 'failed';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export function newDialogue(): Dialogue {
  return { turns: [], nextId: 0 };
}

export function userTurns(dialogue: Dialogue): UserTurn[] {
  return dialogue.turns.filter((turn): turn is UserTurn => turn.kind === 'user');
}

export function appendUserTurn(dialogue: Dialogue, turn: NewUserTurn): Dialogue {
  if (!(turn.endMs >= turn.startMs)) throw new RangeError(`appendUserTurn: endMs ${turn.endMs} < startMs ${turn.startMs}`);
  const userTurn: UserTurn = { ...turn, kind: 'user', id: dialogue.nextId, durationMs: turn.endMs - turn.startMs, cueNote: null };
  return { turns: [...dialogue.turns, userTurn], nextId: dialogue.nextId + 1 };
}

/** Records the cue note the prompt answering user turn `id` carries (see UserTurn.cueNote). */
export function recordCueNote(dialogue: Dialogue, id: number, cueNote: string | null): Dialogue {
  const index = dialogue.turns.findIndex((turn) => turn.id === id);
  const turn = dialogue.turns[index];
  if (turn === undefined || turn.kind !== 'user') throw new RangeError(`no user turn with id ${id}`);
  if (turn.cueNote === cueNote) return dialogue;
  const turns = dialogue.turns.slice();
  turns[index] = { ...turn, cueNote };
  return { ...dialogue, turns };
}

/** Appends a finished reply in one go (e.g. the fixed ask-to-repeat reply). */
export function appendAssistantTurn(
  dialogue: Dialogue,
  reply: { text: string; interrupted?: boolean; failed?: boolean },
): Dialogue {
  const turn: AssistantTurn = {
    kind: 'assistant',
    id: dialogue.nextId,
    text: reply.text,
    interrupted: reply.interrupted ?? false,
    failed: reply.failed ?? false,
    streaming: false,
    route: null,
    prompt: null,
  };
  return { turns: [...dialogue.turns, turn], nextId: dialogue.nextId + 1 };
}

/** Opens an empty streaming reply; the id addresses it in appendAssistantText / finishAssistantTurn. */
export function startAssistantTurn(dialogue: Dialogue): { dialogue: Dialogue; id: number } {
  const turn: AssistantTurn = { kind: 'assistant', id: dialogue.nextId, text: '', interrupted: false, failed: false, streaming: true, route: null, prompt: null };
  return { dialogue: { turns: [...dialogue.turns, turn], nextId: dialogue.nextId + 1 }, id: turn.id };
}

/** Records how a streaming reply is being produced (which path, which blocks). */
export function setReplyRoute(dialogue: Dialogue, id: number, route: ReplyRoute): Dialogue {
  return updateStreamingReply(dialogue, id, (turn) => ({ ...turn, route }));
}

/** Adds streamed text; text arriving after the reply was finished (late tokens after a barge-in) is dropped. */
export function appendAssistantText(dialogue: Dialogue, id: number, textDelta: string): Dialogue {
  return updateStreamingReply(dialogue, id, (turn) => ({ ...turn, text: turn.text + textDelta }));
}

/** Ends a streaming reply; the first outcome wins, so a later 'complete' cannot undo 'interrupted'. */
export function finishAssistantTurn(dialogue: Dialogue, id: number, outcome: ReplyOutcome, prompt: PromptSize | null = null): Dialogue {
  return updateStreamingReply(dialogue, id, (turn) => ({
    ...turn,
    streaming: false,
    interrupted: outcome === 'interrupted',
    failed: outcome === 'failed',
    prompt,
  }));
}

/** The user cut in while a finished reply was still being spoken: it counts as interrupted. */
export function markReplyInterrupted(dialogue: Dialogue, id: number): Dialogue {
  const index = dialogue.turns.findIndex((turn) => turn.id === id);
  const turn = dialogue.turns[index];
  if (turn === undefined || turn.kind !== 'assistant' || turn.interrupted) return dialogue;
  const turns = dialogue.turns.slice();
  turns[index] = { ...turn, streaming: false, interrupted: true };
  return { ...dialogue, turns };
}

function updateStreamingReply(dialogue: Dialogue, id: number, update: (turn: AssistantTurn) => AssistantTurn): Dialogue {
  const index = dialogue.turns.findIndex((turn) => turn.id === id);
  const turn = dialogue.turns[index];
  if (turn === undefined || turn.kind !== 'assistant') throw new RangeError(`no assistant turn with id ${id}`);
  if (!turn.streaming) return dialogue;
  const turns = dialogue.turns.slice();
  turns[index] = update(turn);
  return { ...dialogue, turns };
}

export interface TrimResult {
  readonly messages: ChatMessage[];
  /** Whole user turns (with their replies) dropped from the start of the history. */
  readonly droppedTurns: number;
  /** countPromptTokens of the kept messages. */
  readonly tokens: number;
  /** True when even system prompt + latest user turn exceed the budget (they are kept anyway). */
  readonly overBudget: boolean;
}

/**
 * When turns must go, the prompt is cut to this share of the budget, so that the next turns fit without dropping
 * more: each drop changes the prompt right after the system prompt, and the KV cache then holds little of it.
 */
export const TRIM_LOW_WATER = 0.75;

/**
 * Drops the oldest whole turns (a user message with the assistant messages that answered it) until the prompt
 * fits `budgetTokens`; the system prompt and the latest turn always stay. `countPromptTokens` measures the whole
 * prompt as the model reads it (the chat template's own tokens included); it is called O(log turns) times.
 * `previouslyDropped` (the last reply's droppedTurns) is kept dropped while the prompt fits, so the prompt's start
 * stays what the cache holds; when more must go, turns go down to TRIM_LOW_WATER of the budget.
 */
export function trimToBudget(
  messages: readonly ChatMessage[],
  countPromptTokens: (messages: readonly ChatMessage[]) => number,
  budgetTokens: number,
  previouslyDropped = 0,
): TrimResult {
  const system = messages[0]?.role === 'system' ? [messages[0]] : [];
  const groups = groupTurns(messages.slice(system.length));
  const kept = (dropped: number) => [...system, ...groups.slice(dropped).flat()];
  const result = (dropped: number, tokens: number): TrimResult => ({ messages: kept(dropped), droppedTurns: dropped, tokens, overBudget: tokens > budgetTokens });
  const mostDropped = Math.max(0, groups.length - 1);
  const whole = countPromptTokens(kept(0));
  if (whole <= budgetTokens) return result(0, whole);
  const floor = Math.min(previouslyDropped, mostDropped);
  if (floor > 0) {
    const tokens = countPromptTokens(kept(floor));
    if (tokens <= budgetTokens) return result(floor, tokens);
  }
  const lowWaterTokens = Math.floor(budgetTokens * TRIM_LOW_WATER);
  const fewest = (limitTokens: number): TrimResult | null => {
    // The prompt shrinks as turns leave: binary-search the fewest to drop; the last group (the latest user turn) stays.
    let low = Math.max(1, floor);
    let high = mostDropped;
    let best: TrimResult | null = null;
    while (low <= high) {
      const middle = Math.floor((low + high) / 2);
      const tokens = countPromptTokens(kept(middle));
      if (tokens <= limitTokens) {
        best = result(middle, tokens);
        high = middle - 1;
      } else low = middle + 1;
    }
    return best;
  };
  return fewest(lowWaterTokens) ?? fewest(budgetTokens) ?? result(mostDropped, countPromptTokens(kept(mostDropped)));
}

/** Splits messages into turns, each starting at a user message (leading assistant messages form a turn of their own). */
function groupTurns(messages: readonly ChatMessage[]): ChatMessage[][] {
  const groups: ChatMessage[][] = [];
  for (const message of messages) {
    const current = groups[groups.length - 1];
    if (current === undefined || message.role === 'user') groups.push([message]);
    else current.push(message);
  }
  return groups;
}
