import { describe, expect, it } from 'vitest';
import { dualLevelAttentionReference, toPseudoMel } from './dualLevel.reference';
import { padTurns, whisperOutputFrames } from '../../../../src/models/es4r/stage1/padTurns';
import { multiheadAttention } from './multiheadAttention.reference';
import { randomArray, randomAttentionWeights } from '../../../../scripts/es4r/graphs/stage1/randomWeights';

const E = 80;

describe('dual-level affective attention (reference)', () => {
  const mha = randomAttentionWeights(11);
  const turns = [
    { features: randomArray(21, 3 * E), frames: 3 },
    { features: randomArray(22, 5 * E), frames: 5 },
  ];

  it('keeps every turn padded to the longest: a 3-frame and a 5-frame turn give 2*5 positions', () => {
    const r = dualLevelAttentionReference(turns, mha);
    expect(r.length).toBe(10);
    expect(r.maxFrames).toBe(5);
    expect(r.sequence.length).toBe(10 * E);
    expect(r.mask).toEqual([false, false, false, true, true, false, false, false, false, false]);
  });

  it('never gives weight to padded keys, in either level', () => {
    const r = dualLevelAttentionReference(turns, mha);
    const heads = 16;
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < 10; i++) {
        expect(r.interWeights[(h * 10 + i) * 10 + 3]).toBe(0);
        expect(r.interWeights[(h * 10 + i) * 10 + 4]).toBe(0);
        let sum = 0;
        for (let j = 0; j < 10; j++) sum += r.interWeights[(h * 10 + i) * 10 + j]!;
        expect(sum).toBeCloseTo(1, 5);
      }
    const w0 = r.intraWeights[0]!;
    for (let h = 0; h < heads; h++) for (let i = 0; i < 5; i++) expect([w0[(h * 5 + i) * 5 + 3], w0[(h * 5 + i) * 5 + 4]]).toEqual([0, 0]);
  });

  it('padded positions stay in the sequence as (non-zero) queries; valid intra outputs ignore the padding', () => {
    const r = dualLevelAttentionReference(turns, mha);
    const padded = r.sequence.subarray(3 * E, 5 * E);
    expect(padded.some((v) => v !== 0)).toBe(true);
    const alone = multiheadAttention(turns[0]!.features, 3, mha).output;
    for (let i = 0; i < 3 * E; i++) expect(r.intra[i]).toBeCloseTo(alone[i]!, 5);
  });

  it('uses the same module for both levels (no residual, no positional encoding)', () => {
    const r = dualLevelAttentionReference(turns, mha);
    const inter = multiheadAttention(r.intra, 10, mha, r.mask).output;
    expect(Array.from(r.sequence)).toEqual(Array.from(inter));
  });

  it('pads the turns with zeros and builds the key mask', () => {
    const p = padTurns([{ features: Float32Array.of(1, 2), frames: 1 }, { features: Float32Array.of(3, 4, 5, 6), frames: 2 }], 2);
    expect(Array.from(p.data)).toEqual([1, 2, 0, 0, 3, 4, 5, 6]);
    expect(p.mask).toEqual([false, true, false, false]);
  });

  it('builds the [80, 3000] pseudo-mel and the Whisper output cut', () => {
    const seq = Float32Array.from({ length: 2 * E }, (_, i) => i + 1); // frame f, bin c -> f*80 + c + 1
    const mel = toPseudoMel(seq, 2);
    expect(mel.length).toBe(80 * 3000);
    expect([mel[0], mel[1], mel[2], mel[3000], mel[3001], mel[79 * 3000 + 1]]).toEqual([1, 81, 0, 2, 82, 160]);
    expect([1, 2, 3, 10, 375, 3000].map(whisperOutputFrames)).toEqual([1, 1, 2, 5, 188, 1500]);
  });
});
