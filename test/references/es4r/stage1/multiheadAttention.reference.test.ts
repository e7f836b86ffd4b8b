import { describe, expect, it } from 'vitest';
import { multiheadAttention } from './multiheadAttention.reference';
import type { MultiheadAttentionWeights } from '../../../../src/models/es4r/stage1/stage1Types';

// embed 2, 1 head, identity projections, zero biases: attention is softmax(x x^T / sqrt 2) x.
const identity: MultiheadAttentionWeights = {
  embedDim: 2,
  numHeads: 1,
  inProjWeight: Float32Array.of(1, 0, 0, 1, /* k */ 1, 0, 0, 1, /* v */ 1, 0, 0, 1),
  inProjBias: new Float32Array(6),
  outProjWeight: Float32Array.of(1, 0, 0, 1),
  outProjBias: new Float32Array(2),
};

describe('reference nn.MultiheadAttention', () => {
  it('matches a hand-computed 1-head case', () => {
    const x = Float32Array.of(1, 0, 0, 1);
    const { output, weights } = multiheadAttention(x, 2, identity);
    const p = 1 / (1 + Math.exp(-Math.SQRT1_2)); // softmax([1/sqrt2, 0])[0]
    expect(weights[0]).toBeCloseTo(p, 6);
    expect(weights[1]).toBeCloseTo(1 - p, 6);
    expect(output[0]).toBeCloseTo(p, 6);
    expect(output[1]).toBeCloseTo(1 - p, 6);
    expect(output[2]).toBeCloseTo(1 - p, 6);
    expect(output[3]).toBeCloseTo(p, 6);
  });

  it('applies biases, the output projection and the key padding mask', () => {
    const w: MultiheadAttentionWeights = { ...identity, inProjBias: Float32Array.of(0, 0, 0, 0, 1, -1), outProjWeight: Float32Array.of(0, 1, 2, 0), outProjBias: Float32Array.of(0.5, 0) };
    const { output, weights } = multiheadAttention(Float32Array.of(1, 0, 0, 1), 2, w, [false, true]);
    // Only key 0 is visible: every query gets v0 = x0 + (1, -1) = (2, -1); out = [[0,1],[2,0]] v0 + (0.5, 0) = (-0.5, 4).
    expect(Array.from(weights)).toEqual([1, 0, 1, 0]);
    expect(Array.from(output)).toEqual([-0.5, 4, -0.5, 4]);
  });

  it('splits heads over contiguous head_dim slices and scales by 1/sqrt(head_dim)', () => {
    // embed 2, 2 heads of dim 1: head 0 sees feature 0 only, head 1 feature 1 only; scale 1.
    const w: MultiheadAttentionWeights = { ...identity, numHeads: 2 };
    const { output } = multiheadAttention(Float32Array.of(1, 0, 2, 1), 2, w);
    // head 0: q = k = v = [1, 2]; query 0 scores [1, 2]; query 1 scores [2, 4].
    const s = (a: number, b: number) => 1 / (1 + Math.exp(b - a));
    expect(output[0]).toBeCloseTo(s(1, 2) * 1 + (1 - s(1, 2)) * 2, 6);
    expect(output[2]).toBeCloseTo(s(2, 4) * 1 + (1 - s(2, 4)) * 2, 6);
    // head 1: q = k = v = [0, 1]; query 0 scores [0, 0] -> mean 0.5.
    expect(output[1]).toBeCloseTo(0.5, 6);
  });

  it('gives NaN when every key is masked, like PyTorch', () => {
    const { output } = multiheadAttention(Float32Array.of(1, 0), 1, identity, [true]);
    expect(Number.isNaN(output[0])).toBe(true);
  });
});
