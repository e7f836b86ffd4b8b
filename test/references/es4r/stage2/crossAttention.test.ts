import { describe, expect, it } from 'vitest';
import { crossAttentionReference } from './crossAttention.reference';
import { matrix } from './math.reference';
import type { CrossAttentionWeights } from '../../../../scripts/es4r/graphs/stage2/weights';

describe('cross-attention reference (nn.MultiheadAttention, speech as query)', () => {
  it('matches a hand-computed one-head case', () => {
    // E = 2, 1 head: in_proj = [I; I; I] with biases q [0,0], k [0,0], v [1,0]; out_proj = 2 I, bias [1, -1].
    const w: CrossAttentionWeights = {
      embed: 2,
      heads: 1,
      inProjWeight: Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]),
      inProjBias: Float32Array.from([0, 0, 0, 0, 1, 0]),
      outProjWeight: Float32Array.from([2, 0, 0, 2]),
      outProjBias: Float32Array.from([1, -1]),
    };
    const speech = matrix(1, 2, Float32Array.from([1, 0]));
    const history = matrix(2, 2, Float32Array.from([1, 0, 0, 1]));
    // scores = q.k / sqrt(2) = [1/sqrt 2, 0]; p = softmax; v = [[2, 0], [1, 1]]
    const e = Math.exp(1 / Math.SQRT2);
    const p0 = e / (e + 1);
    const p1 = 1 / (e + 1);
    const context = [2 * p0 + p1, p1];
    const expected = [2 * context[0]! + 1, 2 * context[1]! - 1];
    const out = crossAttentionReference(speech, history, w);
    expect(out.rows).toBe(1);
    expect(out.data[0]).toBeCloseTo(expected[0]!, 6);
    expect(out.data[1]).toBeCloseTo(expected[1]!, 6);
  });

  it('returns one vector per speech query, independent of the history length', () => {
    const w: CrossAttentionWeights = {
      embed: 2,
      heads: 2,
      inProjWeight: Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]),
      inProjBias: new Float32Array(6),
      outProjWeight: Float32Array.from([1, 0, 0, 1]),
      outProjBias: new Float32Array(2),
    };
    // With one history token every query attends to it fully: the output is that token's value.
    const out = crossAttentionReference(matrix(3, 2, Float32Array.from([1, 2, 3, 4, 5, 6])), matrix(1, 2, Float32Array.from([7, -8])), w);
    expect(Array.from(out.data)).toEqual([7, -8, 7, -8, 7, -8]);
  });
});
