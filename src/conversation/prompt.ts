import { describeCues, type CueSwitches } from './affectCues';
import { trimToBudget, userTurns, type ChatMessage, type Dialogue, type DialogueTurn, type UserTurn } from './dialogue';
import type { Strategy } from './strategy';

export interface ReplyOptions {
  readonly cues: CueSwitches;
  /** Master switch: false gives the plain "ASR + LLM" cascade prompt (no cues, no strategy). */
  readonly affectCuesInPrompt: boolean;
  readonly tauDb: number;
  readonly budgetTokens: number;
  /** The whole prompt's tokens as the model reads it (chat template included). */
  readonly countPromptTokens: (messages: readonly ChatMessage[]) => number;
}

export type ReplyPlan =
  | { readonly kind: 'generate'; readonly messages: ChatMessage[]; readonly droppedTurns: number; readonly overBudget: boolean }
  | { readonly kind: 'askToRepeat'; readonly text: string };

/** Appended to a reply the user cut off (barge-in) or that failed part-way: they heard only that much. */
export const INTERRUPTED_MARKER = '[interrupted]';

const LISTENER_PROMPT =
  'You are a warm, attentive listener talking with someone by voice; your replies are read aloud to them. ' +
  'First acknowledge how they seem to feel, then respond to the specific things they said. ' +
  'Reply in one to three short sentences that sound natural when spoken. ' +
  'Never sound clinical, never diagnose, and do not lecture. ' +
  'Do not use lists, markdown, emojis or special symbols, since your words will be spoken. ' +
  `A reply of yours that ends with ${INTERRUPTED_MARKER} was cut off because the user started speaking; never write that marker yourself.`;

const CUE_NOTE_EXPLANATION =
  ' A user message may end with a note in square brackets describing how they spoke and how to reply; ' +
  'let it shape your tone, but never mention the note, measurements or numbers.';

/**
 * The system prompt. It depends only on the session's settings, never on the turn, so it stays
 * byte-identical across turns and the LLM worker can reuse its KV cache.
 */
export function systemPrompt(affectCuesInPrompt: boolean): string {
  return affectCuesInPrompt ? LISTENER_PROMPT + CUE_NOTE_EXPLANATION : LISTENER_PROMPT;
}

/** ES4R Stage 3 strategies in words (comfort: slower and more emotional; encourage: more emotional; neutral: natural). */
export const STRATEGY_GUIDANCE: Record<Strategy, string> = {
  comfort: 'Reply in a comforting way: gentle, calm and reassuring, at an unhurried pace.',
  encourage: 'Encourage them: reply in a warm, upbeat and affirming way.',
  neutral: 'Reply in a natural, friendly way.',
};

/** Fixed replies when the turn could not be understood; no LLM call is needed. */
export const ASK_TO_REPEAT_REPLIES: readonly string[] = [
  "Sorry, I didn't quite catch that. Could you say it again?",
  "I'm sorry, I missed what you said. Would you mind repeating it?",
  "I couldn't hear you clearly just now. Could you tell me once more?",
];

/** A known hallucination phrase on a turn shorter than this is taken as noise (Whisper emits them on blips the VAD let through). */
export const HALLUCINATION_MAX_DURATION_MS = 500;
/** ... or on a turn at or below this energy relative to the earlier turns (-10 dB = a tenth of their power). */
export const HALLUCINATION_MAX_RELATIVE_DB = -10;

/**
 * Whisper's well-known outputs on silence or noise (YouTube-caption artefacts: "Thank you.", "Thanks for
 * watching!", "you"), normalised by normalizeTranscript. They are also real phrases, hence the short/quiet condition.
 */
const SILENCE_HALLUCINATIONS: ReadonlySet<string> = new Set([
  'you',
  'bye',
  'thanks',
  'thank you',
  'thank you so much',
  'thank you very much',
  'thanks for watching',
  'thank you for watching',
  'thanks for listening',
  'thank you for listening',
  'please subscribe',
]);

/** Lower case, non-speech tags ("[BLANK_AUDIO]", "(music)", "*sighs*") and punctuation removed, spaces collapsed. */
function normalizeTranscript(transcript: string): string {
  return transcript
    .toLowerCase()
    .replace(/\[[^\]]*\]|\([^)]*\)|\*[^*]*\*/g, ' ')
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .replace(/'/g, '')
    .trim()
    .replace(/\s+/g, ' ');
}

/**
 * A turn is unintelligible when its transcript has no words (empty, punctuation, only non-speech tags),
 * or is a known silence hallucination on a very short (< 500 ms) or very quiet (<= -10 dB vs earlier) turn.
 */
export function isUnintelligible(turn: UserTurn): boolean {
  const normalized = normalizeTranscript(turn.transcript);
  if (normalized === '') return true;
  if (!SILENCE_HALLUCINATIONS.has(normalized)) return false;
  const relativeDb = turn.cues.relativeEnergyDb;
  return turn.durationMs < HALLUCINATION_MAX_DURATION_MS || (relativeDb !== null && relativeDb <= HALLUCINATION_MAX_RELATIVE_DB);
}

/**
 * The note on how the latest turn was said: measured cues first, then the strategy. It goes at the end of
 * the latest user message (not the system prompt) so that the system prompt and the older history stay a
 * stable, cacheable prefix, and the cues sit next to the words they describe.
 */
export function cueNote(turn: UserTurn, options: Pick<ReplyOptions, 'cues' | 'tauDb'>): string | null {
  const sentences = describeCues(turn.cues, options.cues, options.tauDb);
  if (options.cues.strategy) sentences.push(STRATEGY_GUIDANCE[turn.strategy]);
  return sentences.length > 0 ? `[${sentences.join(' ')}]` : null;
}

/** The note the prompt answering `turn` carries under these settings: none for the plain cascade. */
export function promptCueNote(turn: UserTurn, options: Pick<ReplyOptions, 'affectCuesInPrompt' | 'cues' | 'tauDb'>): string | null {
  return options.affectCuesInPrompt ? cueNote(turn, options) : null;
}

/** A user message: the words, then the note on how they were said (if any). */
function userContent(transcript: string, note: string | null): string {
  return note === null ? transcript.trim() : `${transcript.trim()}\n\n${note}`;
}

function latestUserTurn(dialogue: Dialogue): UserTurn {
  const latest = dialogue.turns[dialogue.turns.length - 1];
  if (latest === undefined || latest.kind !== 'user') throw new RangeError('buildReplyPlan: the latest turn must be a user turn');
  return latest;
}

/** The gentle request to repeat when the latest turn is unintelligible (variant by turn index), else null. */
export function askToRepeatReply(dialogue: Dialogue): string | null {
  if (!isUnintelligible(latestUserTurn(dialogue))) return null;
  const userTurnIndex = userTurns(dialogue).length - 1;
  return ASK_TO_REPEAT_REPLIES[userTurnIndex % ASK_TO_REPEAT_REPLIES.length]!;
}

/**
 * What to do about the latest user turn: a fixed ask-to-repeat reply when it was unintelligible, else the
 * chat messages for the LLM (system prompt, history as alternating user/assistant messages, latest turn with
 * its cue note), trimmed to the token budget. Earlier turns carry the cue notes their own prompts carried
 * (UserTurn.cueNote). Earlier unintelligible turns are left out with their replies.
 */
export function buildReplyPlan(dialogue: Dialogue, options: ReplyOptions): ReplyPlan {
  const latest = latestUserTurn(dialogue);
  const askText = askToRepeatReply(dialogue);
  if (askText !== null) return { kind: 'askToRepeat', text: askText };
  const history = historyMessages(dialogue.turns.slice(0, -1));
  const messages = mergeSameRole([
    { role: 'system', content: systemPrompt(options.affectCuesInPrompt) },
    ...history,
    { role: 'user', content: userContent(latest.transcript, promptCueNote(latest, options)) },
  ]);
  const trimmed = trimToBudget(messages, options.countPromptTokens, options.budgetTokens, previousDroppedTurns(dialogue));
  return { kind: 'generate', messages: trimmed.messages, droppedTurns: trimmed.droppedTurns, overBudget: trimmed.overBudget };
}

/**
 * After a reply, the start that the next turn's prompt will share, whatever the user says: the system prompt and the
 * history up to that reply, trimmed as the last prompt was. Null when the dialogue does not end with a reply the
 * history keeps (the next prompt would merge the new turn into the last user message instead).
 */
export function buildHistoryPrefix(dialogue: Dialogue, options: ReplyOptions): ChatMessage[] | null {
  const messages = mergeSameRole([{ role: 'system', content: systemPrompt(options.affectCuesInPrompt) }, ...historyMessages(dialogue.turns)]);
  if (messages.at(-1)?.role !== 'assistant') return null;
  return trimToBudget(messages, options.countPromptTokens, options.budgetTokens, previousDroppedTurns(dialogue)).messages;
}

/** How many of the oldest turns the last reply's prompt left out (0 when none did or no reply had a prompt). */
function previousDroppedTurns(dialogue: Dialogue): number {
  for (let i = dialogue.turns.length - 1; i >= 0; i--) {
    const turn = dialogue.turns[i]!;
    if (turn.kind === 'assistant' && turn.prompt !== null) return turn.prompt.droppedTurns;
  }
  return 0;
}

/** Earlier turns as chat messages, as their prompts had them; replies with no text are left out (the user heard nothing). */
function historyMessages(turns: readonly DialogueTurn[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let skippingExchange = false;
  for (const turn of turns) {
    if (turn.kind === 'user') {
      skippingExchange = isUnintelligible(turn);
      if (!skippingExchange) messages.push({ role: 'user', content: userContent(turn.transcript, turn.cueNote) });
      continue;
    }
    const text = turn.text.trim();
    if (skippingExchange || text === '') continue;
    const cutOff = turn.interrupted || turn.failed;
    messages.push({ role: 'assistant', content: cutOff ? `${text} ${INTERRUPTED_MARKER}` : text });
  }
  return messages;
}

/** Joins consecutive messages of one role (e.g. two user turns around an empty reply): chat templates expect alternation. */
function mergeSameRole(messages: readonly ChatMessage[]): ChatMessage[] {
  const merged: ChatMessage[] = [];
  for (const message of messages) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.role === message.role) {
      merged[merged.length - 1] = { role: message.role, content: `${previous.content}\n${message.content}` };
    } else {
      merged.push(message);
    }
  }
  return merged;
}
