import type { StateCreator } from 'zustand';
import { newDialogue, type Dialogue } from '../conversation/dialogue';

export interface ConversationSlice {
  /** Transcripts and replies; no audio. */
  dialogue: Dialogue;
  /** A turn is being transcribed. */
  transcribing: boolean;
  /** Why the latest reply stopped early, or why turns are not answered; null when all is well. */
  conversationNotice: string | null;
  /** Per reply id: stage timings reported by the workers. */
  replyTimingsMs: Record<number, Record<string, number>>;
  /** Per user turn id: the transcription's stage timings (features, encoder, decoder) from the ASR worker. */
  turnTimingsMs: Record<number, Record<string, number>>;
}

export const createConversationSlice: StateCreator<ConversationSlice, [], [], ConversationSlice> = () => ({
  dialogue: newDialogue(),
  transcribing: false,
  conversationNotice: null,
  replyTimingsMs: {},
  turnTimingsMs: {},
});
