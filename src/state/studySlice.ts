import type { StateCreator } from 'zustand';
import type { StudyCondition, StudyFile } from '../study/studyFile';
import type { SessionEndReason } from '../study/log/records';
import type { LogWriteStatus } from '../study/log/logWriter';

/** closed: the normal page; setup: the researcher view; then the participant's consent, conversation and end screen. */
export type StudyPhase = 'closed' | 'setup' | 'consent' | 'conversation' | 'ending' | 'ended';

export interface StudyState {
  phase: StudyPhase;
  file: StudyFile | null;
  /** Where the file came from (a same-origin path or a picked file's name). */
  source: string | null;
  loadError: string | null;
  participantId: string;
  condition: StudyCondition | null;
  assignmentRule: string | null;
  audioKept: boolean;
  /** Wall-clock ms (Date.now) when the time limit ends the conversation; null without one. */
  endsAtMs: number | null;
  endReason: SessionEndReason | null;
  /** What the log holds for this study, for the researcher view. */
  logged: { sessions: number; turns: number; audioTurns: number; participantIds: string[] };
  storage: LogWriteStatus;
  /** The latest export or wipe, in words. */
  lastAction: string | null;
  /** Why the last hand-over was refused: the assigned condition cannot run on the loaded pack. */
  handOverProblem: string | null;
}

export interface StudySlice {
  study: StudyState;
}

export const initialStudyState: StudyState = {
  phase: 'closed',
  file: null,
  source: null,
  loadError: null,
  participantId: '',
  condition: null,
  assignmentRule: null,
  audioKept: false,
  endsAtMs: null,
  endReason: null,
  logged: { sessions: 0, turns: 0, audioTurns: 0, participantIds: [] },
  storage: { unsaved: 0, problem: null },
  lastAction: null,
  handOverProblem: null,
};

export const createStudySlice: StateCreator<StudySlice, [], [], StudySlice> = () => ({ study: initialStudyState });
