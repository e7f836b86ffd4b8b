// The turns of a dialogue as ES4R Stage 1 hands them to its attention, with the release's padding quirk:
// every turn zero-padded to the longest one, the padding kept in the sequence and masked as keys only;
// the Whisper cut afterwards counts the real frames only.
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
  /** Frames that are not padding: the sum of the turns' lengths. */
  realFrames: number;
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
  return { data, turns: turns.length, maxFrames, mask, realFrames: turns.reduce((sum, turn) => sum + turn.frames, 0) };
}

/**
 * Whisper encoder frames to keep, as the release cuts them: its encoder wrapper counts the stage-1 mask's
 * real frames (input_lengths = attention_mask.sum(-1), padding excluded although it stays in the sequence)
 * and keeps (realFrames - 1) // 2 + 1 rows (Whisper's conv2 has stride 2). Turns of 22, 12 and 30 frames
 * make a 90-frame sequence of which 64 are real: 32 rows are kept, not 45.
 */
export function whisperOutputFrames(realFrames: number): number {
  return Math.floor((realFrames - 1) / 2) + 1;
}
