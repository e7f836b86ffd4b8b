// Which user turns enter the ES4R front, and the pseudo-mel of the "without dual-level attention" ablation.
// Whisper sees at most 3000 mel frames, so a long dialogue keeps its latest turns that fit.
// Our decision (docs/es4r.md does not fix a dialogue length): the dual-level front holds at most DUAL_FRONT_MAX_FRAMES
// frames. Its inter-turn attention costs 16 heads x L^2: 576 MB of scores and ~0.8 s a reply at L = 3000 in wasm,
// 64 MB and ~0.1 s at 1000 — still the latest ~25 turns of 3 s.
import { subsampledLength } from '../stage1/subsampledLength';
import { MEL_BINS, WHISPER_MEL_FRAMES } from '../stage1/stage1Types';

/** One user turn's Whisper-normalised log-mel, [nMels, frameCount] row-major. */
export interface TurnLogMel {
  data: Float32Array;
  nMels: number;
  frameCount: number;
}

/** Frames of the dual-level front (count x longest subsampled turn) at most; see above. */
export const DUAL_FRONT_MAX_FRAMES = 1000;

/**
 * The index of the first turn to keep so that the front fits `limitFrames`, given each turn's frame count in
 * the front. With dual-level attention every turn is padded to the longest kept one (the release's quirk), so
 * the front is count x longest; without it, the raw frames are simply concatenated into Whisper's window.
 */
export function firstTurnThatFits(
  frontFrames: readonly number[],
  padToLongest: boolean,
  limitFrames = padToLongest ? DUAL_FRONT_MAX_FRAMES : WHISPER_MEL_FRAMES,
): number {
  let first = frontFrames.length;
  let longest = 0;
  let sum = 0;
  for (let i = frontFrames.length - 1; i >= 0; i--) {
    const frames = frontFrames[i]!;
    const nextLongest = Math.max(longest, frames);
    const nextSum = sum + frames;
    const total = padToLongest ? nextLongest * (frontFrames.length - i) : nextSum;
    if (total > limitFrames) break;
    first = i;
    longest = nextLongest;
    sum = nextSum;
  }
  return first;
}

/** Frames a turn takes in the dual-attention front: its log-mel after the subsampler (about an eighth). */
export function dualFrontFrames(turn: TurnLogMel): number {
  return subsampledLength(turn.frameCount);
}

/** The ablation's pseudo-mel: the turns' raw log-mels one after another, zero right-padded to 3000 frames. */
export function rawMelWindow(turns: readonly TurnLogMel[]): { window: Float32Array; frames: number } {
  const frames = turns.reduce((sum, turn) => sum + turn.frameCount, 0);
  if (frames > WHISPER_MEL_FRAMES) throw new RangeError(`rawMelWindow: ${frames} frames exceed Whisper's ${WHISPER_MEL_FRAMES}`);
  const window = new Float32Array(MEL_BINS * WHISPER_MEL_FRAMES);
  let offset = 0;
  for (const turn of turns) {
    for (let bin = 0; bin < MEL_BINS; bin++) {
      window.set(turn.data.subarray(bin * turn.frameCount, (bin + 1) * turn.frameCount), bin * WHISPER_MEL_FRAMES + offset);
    }
    offset += turn.frameCount;
  }
  return { window, frames };
}
