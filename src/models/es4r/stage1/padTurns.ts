// The turns of a dialogue as ES4R Stage 1 hands them to its attention, with the release's padding quirk:
// every turn zero-padded to the longest one, the padding kept in the sequence and masked as keys only.
// Shared by the runtime (src/models/es4r/runtime) and the references.
import { MEL_BINS } from './stage1Types';

/** One turn's subsampled features [frames, 80]. */
export interface TurnFeatures {
  features: Float32Array;
  frames: number;
}

export interface PaddedTurns {
  /** [turns, maxFrames, 80], zero padded. */
  data: Float32Array;
  turns: number;
  maxFrames: number;
  /** [turns * maxFrames]; true = padding. */
  mask: boolean[];
}

/** Pads every turn to the longest turn (zeros) and builds the key padding mask. */
export function padTurns(turns: TurnFeatures[], width = MEL_BINS): PaddedTurns {
  if (turns.length === 0) throw new Error('padTurns: no turns');
  const maxFrames = Math.max(...turns.map((t) => t.frames));
  const data = new Float32Array(turns.length * maxFrames * width);
  const mask: boolean[] = [];
  turns.forEach((turn, b) => {
    if (turn.frames < 1) throw new Error('padTurns: empty turn (all keys masked gives NaN in PyTorch)');
    data.set(turn.features.subarray(0, turn.frames * width), b * maxFrames * width);
    for (let t = 0; t < maxFrames; t++) mask.push(t >= turn.frames);
  });
  return { data, turns: turns.length, maxFrames, mask };
}

/**
 * Whisper encoder frames to keep for `validFrames` pseudo-mel frames (its conv2 has stride 2):
 * (validFrames - 1) // 2 + 1. With the release's quirk, validFrames is the padded sequence length
 * turns * maxFrames (the kept padding counts as valid).
 */
export function whisperOutputFrames(validFrames: number): number {
  return Math.floor((validFrames - 1) / 2) + 1;
}
