import type { StateCreator } from 'zustand';
import type { EchoCancellationMode } from '../audio/capture';
import type { MicProblem } from '../audio/micErrors';

export type MicStatus = 'idle' | 'starting' | 'listening' | 'stopping' | MicProblem;

export interface MicSlice {
  micStatus: MicStatus;
  /** What the user can do about the current status; null when all is well. */
  micMessage: string | null;
  /** Loudest frame energy of the latest batch in dB; updated ~33 Hz, read through subscribe. */
  inputLevelDb: number;
  /** The VAD currently hears speech. */
  speechActive: boolean;
  /** The echo cancellation the browser applied to the open microphone; null before the first capture. */
  echoCancellation: EchoCancellationMode | null;
}

export const createMicSlice: StateCreator<MicSlice, [], [], MicSlice> = () => ({
  micStatus: 'idle',
  micMessage: null,
  inputLevelDb: -Infinity,
  speechActive: false,
  echoCancellation: null,
});
