import { describe, expect, it } from 'vitest';
import { chunkTokenIds } from './chunkTokens';

// Toy ids: 1 = sentence end, 2 = clause end, 9 = word space, everything else a phoneme.
const BOUNDARIES = { sentence: new Set([1]), clause: new Set([2]), word: new Set([9]) };

describe('chunkTokenIds', () => {
  it('keeps a short sequence whole and trims spaces at its ends', () => {
    expect(chunkTokenIds([9, 5, 5, 9, 6, 1, 9], 10, BOUNDARIES)).toEqual([[5, 5, 9, 6, 1]]);
  });

  it('packs whole sentences greedily', () => {
    expect(chunkTokenIds([5, 5, 1, 9, 6, 6, 1, 9, 7, 1], 7, BOUNDARIES)).toEqual([[5, 5, 1, 9, 6, 6, 1], [7, 1]]);
  });

  it('falls back to clauses, then words, then a hard cut', () => {
    expect(chunkTokenIds([5, 5, 2, 9, 6, 6, 6, 1], 4, BOUNDARIES)).toEqual([[5, 5, 2], [6, 6, 6, 1]]);
    expect(chunkTokenIds([5, 5, 9, 6, 6, 9, 7, 1], 3, BOUNDARIES)).toEqual([[5, 5], [6, 6], [7, 1]]);
    expect(chunkTokenIds([5, 5, 5, 5, 5], 2, BOUNDARIES)).toEqual([[5, 5], [5, 5], [5]]);
  });

  it('never exceeds the limit and loses no phoneme', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => [5, 6, 9, 7, 2, 9, 8, 1, 9][i % 9]!);
    const chunks = chunkTokenIds(ids, 510, BOUNDARIES);
    expect(chunks.every((chunk) => chunk.length <= 510)).toBe(true);
    expect(chunks.flat().filter((id) => id !== 9)).toEqual(ids.filter((id) => id !== 9));
  });
});
