// Reference of ES4R Stage 1's dual-level affective attention and the pseudo-mel handed to Whisper.
// Tests only. Reproduces the release's padding quirk (Stage 1, step 3, in docs/es4r.md):
// every turn is padded to the dialogue's longest turn, the padding stays inside the concatenated
// sequence, and it is masked only as attention *keys* (padded positions still act as queries and so
// carry non-zero values into the pseudo-mel).
// Our decisions (not fixed by docs/es4r.md): the pad value is 0 (applied to the subsampled features, i.e.
// after the LayerNorm); the pseudo-mel is right-padded with 0 up to 3000 frames.
import { MEL_BINS, WHISPER_MEL_FRAMES, type MultiheadAttentionWeights, type SubsamplerWeights } from '../../../../src/models/es4r/stage1/stage1Types';
import { multiheadAttention } from './multiheadAttention.reference';
import { subsampleReference } from './subsampler.reference';
import { transpose } from './tensorMath.reference';
import { padTurns, whisperOutputFrames, type TurnFeatures } from '../../../../src/models/es4r/stage1/padTurns';

export interface DualLevelResult {
  /** Inter-turn output [length, 80], length = turns * maxFrames (padding kept). */
  sequence: Float32Array;
  length: number;
  maxFrames: number;
  /** [length]; true = padding position. */
  mask: boolean[];
  /** Intra-turn output [turns, maxFrames, 80] (before concatenation). */
  intra: Float32Array;
  /** Inter-turn attention weights [heads, length, length]. */
  interWeights: Float32Array;
  /** Intra-turn attention weights, one [heads, maxFrames, maxFrames] per turn. */
  intraWeights: Float32Array[];
}

/** Intra-turn attention per turn, concatenation with the padding kept, then the same module across turns. */
export function dualLevelAttentionReference(turns: TurnFeatures[], mha: MultiheadAttentionWeights): DualLevelResult {
  const E = mha.embedDim;
  const padded = padTurns(turns, E);
  const { maxFrames } = padded;
  const intra = new Float32Array(padded.data.length);
  const intraWeights: Float32Array[] = [];
  for (let b = 0; b < padded.turns; b++) {
    const x = padded.data.subarray(b * maxFrames * E, (b + 1) * maxFrames * E);
    const mask = padded.mask.slice(b * maxFrames, (b + 1) * maxFrames);
    const r = multiheadAttention(x, maxFrames, mha, mask);
    intra.set(r.output, b * maxFrames * E);
    intraWeights.push(r.weights);
  }
  const length = padded.turns * maxFrames;
  const inter = multiheadAttention(intra, length, mha, padded.mask);
  return { sequence: inter.output, length, maxFrames, mask: padded.mask, intra, interWeights: inter.weights, intraWeights };
}

/** [length, 80] -> the "affective pseudo-mel" [80, 3000] (row-major), zero right-padded. */
export function toPseudoMel(sequence: Float32Array, length: number, totalFrames = WHISPER_MEL_FRAMES): Float32Array {
  if (length > totalFrames) throw new Error(`toPseudoMel: ${length} frames exceed ${totalFrames}`);
  const t = transpose(sequence, length, MEL_BINS); // [80, length]
  const out = new Float32Array(MEL_BINS * totalFrames);
  for (let c = 0; c < MEL_BINS; c++) out.set(t.subarray(c * length, (c + 1) * length), c * totalFrames);
  return out;
}

/** Whole Stage 1 on log-mels ([80, T_i] each): subsampler per turn, dual-level attention, pseudo-mel. */
export function stage1Reference(
  mels: { mel: Float32Array; frames: number }[],
  subsampler: SubsamplerWeights,
  mha: MultiheadAttentionWeights,
): { pseudoMel: Float32Array; length: number; whisperFrames: number; dual: DualLevelResult } {
  const turns = mels.map((m) => subsampleReference(m.mel, m.frames, subsampler));
  const dual = dualLevelAttentionReference(turns, mha);
  return { pseudoMel: toPseudoMel(dual.sequence, dual.length), length: dual.length, whisperFrames: whisperOutputFrames(turns.reduce((sum, turn) => sum + turn.frames, 0)), dual };
}
