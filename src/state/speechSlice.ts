import type { StateCreator } from 'zustand';
import type { StyleSource } from '../conversation/voiceStyle';

/** The part of a reply being spoken, for highlighting its text. */
export interface SpokenSpan {
  replyId: number;
  startChar: number;
  endChar: number;
}

export interface SpeechSlice {
  speaking: SpokenSpan | null;
  /** Output level of the voice in dB; updated ~30 Hz, read through subscribe. */
  outputLevelDb: number;
  /** The browser paused sound until the next click or key press. */
  playbackSuspended: boolean;
  /** How the latest reply was voiced, for the page and the logs. */
  voice: { strategy: string; speed: number; styleSource: StyleSource } | null;
  /** End of the latest user turn to its reply's first audio handed to the player. */
  lastTtfaMs: number | null;
  /** The latest barge-in: from the VAD's onset reaching the page to the voice having faded out. */
  lastBargeInStopMs: number | null;
}

export const createSpeechSlice: StateCreator<SpeechSlice, [], [], SpeechSlice> = () => ({
  speaking: null,
  outputLevelDb: -Infinity,
  playbackSuspended: false,
  voice: null,
  lastTtfaMs: null,
  lastBargeInStopMs: null,
});
