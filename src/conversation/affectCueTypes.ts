import type { Strategy } from './strategy';

/** How the latest user turn was said, measured from its audio and timing. */
export interface AffectCues {
  /** Whitespace-separated tokens of the transcript that contain a letter or digit. */
  readonly wordCount: number;
  /** wordCount over the speech duration (onset..offset, pauses included); null for a zero-length turn. */
  readonly wordsPerSecond: number | null;
  /** Turn energy minus the mean of the earlier user turns' energies, in dB; null for the first turn. */
  readonly relativeEnergyDb: number | null;
  /** Pauses of at least PAUSE_MIN_MS inside the speech (see detectPauses). */
  readonly pauseCount: number;
  /** Longest such pause, 0 without pauses. */
  readonly longestPauseMs: number;
  readonly strategy: Strategy;
  readonly deltaDb: number | null;
}
