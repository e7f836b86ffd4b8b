import { describe, expect, it } from 'vitest';
import { compareTokens, topK } from './tokenAgreement';

describe('topK', () => {
  it('ranks the largest values first', () => {
    expect(topK(Float32Array.from([0.1, 5, -2, 3, 5.5, 0]), 3)).toEqual([4, 1, 3]);
    expect(topK(Float32Array.from([1, 1, 1]), 2)).toEqual([0, 1]);
  });
});

describe('compareTokens', () => {
  it('counts equal greedy tokens and shared top-k tokens per step', () => {
    // Two steps over a vocabulary of 4. Step 0: both pick token 2, top-2 {2,1} vs {2,3}. Step 1: 0 vs 3, top-2 {0,3} vs {3,0}.
    const candidate = Float32Array.from([0, 1, 9, 0.5, /* step 1 */ 8, 0, 1, 7]);
    const reference = Float32Array.from([0, 1, 9, 2, /* step 1 */ 7, 0, 1, 8]);
    const agreement = compareTokens(candidate, reference, 2, 2);
    expect(agreement.candidateTokens).toEqual([2, 0]);
    expect(agreement.referenceTokens).toEqual([2, 3]);
    expect(agreement.greedyAgreement).toBe(0.5);
    expect(agreement.topKOverlap).toBe((1 / 2 + 2 / 2) / 2);
  });
});
