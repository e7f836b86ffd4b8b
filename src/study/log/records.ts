// What the study log keeps in IndexedDB (and exports): one session record, one record per user turn, the kept audio.
import type { AffectCues } from '../../conversation/affectCues';
import type { AnswerPath, PromptSize, ReplyOutcome, ReplyRoute } from '../../conversation/dialogue';
import type { Strategy } from '../../conversation/strategy';
import type { StyleSource } from '../../conversation/voiceStyle';
import type { ConditionSettings } from '../conditionSettings';
import type { StudyCondition } from '../studyFile';
import type { SessionProvenance } from './provenance';

export type SessionEndReason = 'turnLimit' | 'timeLimit' | 'participant';

export interface SessionRecord {
  studyId: string;
  sessionId: string;
  participantId: string;
  condition: StudyCondition;
  /** The settings the condition set for the session. */
  settings: ConditionSettings;
  /** How the condition was chosen, e.g. "counterbalanced: participant number 1 -> condition 1 of 3". */
  assignmentRule: string;
  /** Both the study file and the participant allowed keeping the turns' audio. */
  audioKept: boolean;
  /** What ran: app build, pack, models with their sources, dtypes, devices and verdicts, settings, browser. */
  provenance: SessionProvenance;
  startedAt: string;
  endedAt: string | null;
  endReason: SessionEndReason | null;
}

export interface TurnReplyRecord {
  text: string;
  outcome: ReplyOutcome | 'streaming';
  /** Which ES4R path answered (after any fallback); null for fixed replies such as the ask-to-repeat one. */
  path: AnswerPath | null;
  route: ReplyRoute | null;
  /** The prompt the language model read (tokens, those run anew past the KV cache, budget, turns left out); null for fixed replies. */
  prompt: PromptSize | null;
  startedAt: string;
  endedAt: string | null;
}

export interface TurnVoiceRecord {
  /** The voice preset that spoke (always neutral without the empathetic voice). */
  strategyPreset: string;
  speed: number;
  styleSource: StyleSource;
}

/** Page-measured wall-clock latencies (null when the stage did not happen) and the stage timings the workers reported. */
export interface TurnLatenciesMs {
  /** The transcription starting (turn end + the VAD's pause) to the transcript. */
  transcription: number | null;
  /** The transcript to the reply's first text. */
  firstReplyText: number | null;
  /** The transcript to the reply's last text. */
  reply: number | null;
  /** The turn's end, as the VAD detected it, to the reply's first audio. */
  firstAudio: number | null;
  stages: Record<string, number>;
}

export interface TurnRecord {
  studyId: string;
  sessionId: string;
  participantId: string;
  conditionId: string;
  /** 1-based among the session's user turns. */
  turnNumber: number;
  /** When the transcript arrived. */
  heardAt: string;
  user: {
    transcript: string;
    /** Speech onset and offset (VAD), ms since the microphone stream started. */
    startMs: number;
    endMs: number;
    durationMs: number;
    energyDb: number;
    /** Frame energies of the speech frames in dB. */
    frameEnergyDb: number[];
    deltaDb: number | null;
    strategy: Strategy;
    cues: AffectCues;
  };
  reply: TurnReplyRecord | null;
  voice: TurnVoiceRecord | null;
  latenciesMs: TurnLatenciesMs;
}

/** A kept turn's audio, matched to its turn record by user.startMs. */
export interface AudioRecord {
  studyId: string;
  sessionId: string;
  turnStartMs: number;
  sampleRateHz: number;
  pcm: Float32Array;
}
