import { FRAME_RATE_HZ } from '../audio/dsp/constants';
import { powerToDb } from '../audio/dsp/energy';
import { userTurns, type Dialogue } from './dialogue';
import type { AffectCues } from './affectCueTypes';
import { DEFAULT_TAU_DB, type Strategy } from './strategy';

export type { AffectCues };

/** Which cues go into the prompt; each can be switched off for the study ablations. */
export interface CueSwitches {
  readonly strategy: boolean;
  readonly relativeEnergy: boolean;
  readonly speakingRate: boolean;
  readonly pauses: boolean;
}

export const ALL_CUES_ON: CueSwitches = { strategy: true, relativeEnergy: true, speakingRate: true, pauses: true };

/** What measureCues needs of a finished user turn (Turn from src/turns plus transcript and strategy). */
export interface CueInput {
  readonly transcript: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly energyDb: number;
  /** Frame energy e_t (power units), 100 frames/s. */
  readonly energy: Float32Array;
  /** 1 from speech onset to offset, else 0; same length as energy. */
  readonly speechFrames: Uint8Array;
  readonly strategy: Strategy;
  readonly deltaDb: number | null;
}

/** A frame is silent when it lies this far below the turn's median speech-frame energy (speech vs room floor). */
export const PAUSE_DEPTH_DB = 25;
/** Shortest silence counted as a pause: beyond stop closures and quick breaths, i.e. a hesitation. */
export const PAUSE_MIN_MS = 500;
/** Pauses from this length on are "long" (Campione & Veronis 2002, large-scale multilingual pause study: long > 1 s). */
export const LONG_PAUSE_MS = 1000;
/**
 * Conversational English typically runs at about 150-190 words per minute (2.5-3.2 w/s). Slow below
 * 1.8 w/s (108 wpm), fast above 3.5 w/s (210 wpm): roughly 30% outside that usual range.
 */
export const SLOW_WORDS_PER_SECOND = 1.8;
export const FAST_WORDS_PER_SECOND = 3.5;
/** Rate is not described for shorter turns: speaking rate rises steeply over turns of 1-7 words (Yuan, Liberman & Cieri, Interspeech 2006). */
export const MIN_WORDS_FOR_RATE = 7;

const FRAME_MS = 1000 / FRAME_RATE_HZ;

export function countWords(transcript: string): number {
  return transcript.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

/** Measures the cues of `turn`; `dialogue` is the history before this turn. */
export function measureCues(turn: CueInput, dialogue: Dialogue): AffectCues {
  const wordCount = countWords(turn.transcript);
  const durationMs = turn.endMs - turn.startMs;
  const earlier = userTurns(dialogue);
  const earlierMeanDb = earlier.reduce((sum, t) => sum + t.energyDb, 0) / earlier.length;
  const pauses = detectPauses(turn.energy, turn.speechFrames);
  return {
    wordCount,
    wordsPerSecond: durationMs > 0 ? wordCount / (durationMs / 1000) : null,
    relativeEnergyDb: earlier.length > 0 ? turn.energyDb - earlierMeanDb : null,
    pauseCount: pauses.pauseCount,
    longestPauseMs: pauses.longestPauseMs,
    strategy: turn.strategy,
    deltaDb: turn.deltaDb,
  };
}

/**
 * Pauses inside a turn: runs of speech-mask frames more than PAUSE_DEPTH_DB below the median speech-frame
 * energy (in dB) lasting at least PAUSE_MIN_MS, with speech on both sides (quiet edges of the mask are not pauses).
 */
export function detectPauses(energy: Float32Array, speechFrames: Uint8Array): { pauseCount: number; longestPauseMs: number } {
  if (energy.length !== speechFrames.length) {
    throw new RangeError(`detectPauses: ${energy.length} energies but ${speechFrames.length} speech flags`);
  }
  const speechDb: number[] = [];
  for (let t = 0; t < energy.length; t++) if (speechFrames[t] !== 0) speechDb.push(powerToDb(energy[t]!));
  if (speechDb.length === 0) return { pauseCount: 0, longestPauseMs: 0 };
  const silentBelowDb = median(speechDb) - PAUSE_DEPTH_DB;
  let pauseCount = 0;
  let longestPauseMs = 0;
  let runFrames = 0;
  let seenSpeech = false;
  for (const db of speechDb) {
    if (db < silentBelowDb) {
      runFrames++;
      continue;
    }
    const runMs = runFrames * FRAME_MS;
    if (seenSpeech && runMs >= PAUSE_MIN_MS) {
      pauseCount++;
      longestPauseMs = Math.max(longestPauseMs, runMs);
    }
    seenSpeech = true;
    runFrames = 0;
  }
  return { pauseCount, longestPauseMs };
}

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The measured cues in plain words, one sentence per cue, only where there is something to report
 * (energy change of at least tau, a slow or fast rate, pauses). The strategy is worded in prompt.ts.
 */
export function describeCues(
  cues: AffectCues,
  enabled: Pick<CueSwitches, 'relativeEnergy' | 'speakingRate' | 'pauses'>,
  tauDb: number = DEFAULT_TAU_DB,
): string[] {
  const sentences: string[] = [];
  if (enabled.relativeEnergy) {
    const sentence = describeRelativeEnergy(cues.relativeEnergyDb, tauDb);
    if (sentence !== null) sentences.push(sentence);
  }
  if (enabled.speakingRate) {
    const sentence = describeSpeakingRate(cues.wordsPerSecond, cues.wordCount);
    if (sentence !== null) sentences.push(sentence);
  }
  if (enabled.pauses) {
    const sentence = describePauses(cues.pauseCount, cues.longestPauseMs);
    if (sentence !== null) sentences.push(sentence);
  }
  return sentences;
}

/** Beyond tau "quieter/louder", beyond 2 tau "much" (the strategy's own threshold, docs/es4r.md). */
function describeRelativeEnergy(relativeEnergyDb: number | null, tauDb: number): string | null {
  if (relativeEnergyDb === null || Math.abs(relativeEnergyDb) < tauDb) return null;
  const degree = Math.abs(relativeEnergyDb) >= 2 * tauDb ? 'much ' : '';
  const direction = relativeEnergyDb < 0 ? 'quieter' : 'louder';
  return `The user's voice has become ${degree}${direction} than earlier in the conversation (${formatSignedDb(relativeEnergyDb)}).`;
}

function describeSpeakingRate(wordsPerSecond: number | null, wordCount: number): string | null {
  if (wordsPerSecond === null || wordCount < MIN_WORDS_FOR_RATE) return null;
  const rate = `${wordsPerSecond.toFixed(1)} words per second`;
  if (wordsPerSecond < SLOW_WORDS_PER_SECOND) return `They are speaking slowly (${rate}).`;
  if (wordsPerSecond > FAST_WORDS_PER_SECOND) return `They are speaking fast (${rate}).`;
  return null;
}

function describePauses(pauseCount: number, longestPauseMs: number): string | null {
  if (pauseCount === 0) return null;
  const longest = `${(longestPauseMs / 1000).toFixed(1)} s`;
  const isLong = longestPauseMs >= LONG_PAUSE_MS;
  if (pauseCount === 1) {
    return isLong ? `They made a long pause while speaking (${longest}).` : `They paused once while speaking (${longest}).`;
  }
  const count = countInWords(pauseCount);
  return isLong
    ? `They made long pauses while speaking (${count}, up to ${longest}).`
    : `They paused while speaking (${count} pauses, up to ${longest}).`;
}

function formatSignedDb(db: number): string {
  const rounded = Math.round(db);
  return `${rounded > 0 ? '+' : ''}${rounded} dB`;
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function countInWords(count: number): string {
  return NUMBER_WORDS[count] ?? String(count);
}
