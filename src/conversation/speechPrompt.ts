// ES4R's LLM prompt on the speech path (docs/es4r.md Stage 2, step 8): [start][instruction][text history][speech][suffix].
// The chat template renders the text; the speech vectors take the place of a slot at the end of the latest user
// message, so the suffix is exactly what the template puts after a user message (end of turn, assistant header).
import type { ChatMessage } from './dialogue';

/** Renders messages with the model's chat template, as text (no tokenisation). */
export type RenderChat = (messages: ChatMessage[], addGenerationPrompt: boolean) => string;

export interface SpeechPromptText {
  /** Start and instruction: the system message as the template renders it. */
  head: string;
  /** The text history: every later message up to the end of the latest user message's words. */
  history: string;
  /** After the speech vectors: the end of the user turn and the assistant header. */
  suffix: string;
}

/** Stands where the speech vectors go; never tokenised (the text is split around it first). */
export const SPEECH_SLOT = '\u2063[es4r speech]\u2063';

export function splitSpeechPrompt(messages: readonly ChatMessage[], render: RenderChat): SpeechPromptText {
  const [system, ...rest] = messages;
  const latest = rest.at(-1);
  if (system?.role !== 'system' || latest?.role !== 'user') throw new RangeError('splitSpeechPrompt: needs a system message first and a user message last');
  const head = render([system], false);
  const full = render([system, ...rest.slice(0, -1), { role: 'user', content: `${latest.content}${SPEECH_SLOT}` }], true);
  if (!full.startsWith(head)) throw new Error('the chat template does not render the system message as the start of the prompt; the speech path cannot place its instruction');
  const slotAt = full.indexOf(SPEECH_SLOT, head.length);
  if (slotAt < 0 || full.indexOf(SPEECH_SLOT, slotAt + 1) >= 0) throw new Error('the chat template changed the speech slot; the speech path cannot place the speech vectors');
  return { head, history: full.slice(head.length, slotAt), suffix: full.slice(slotAt + SPEECH_SLOT.length) };
}
