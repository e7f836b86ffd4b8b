// Splits a phoneme-token sequence into model calls of bounded length, at the most natural boundary available.

/** Token ids that end a piece, from the strongest boundary to the weakest: sentence, clause, word. */
export interface BoundaryIds {
  sentence: ReadonlySet<number>;
  clause: ReadonlySet<number>;
  word: ReadonlySet<number>;
}

/** Cuts `ids` after every boundary token (the boundary stays with the piece it ends). */
function splitAfter(ids: readonly number[], boundary: ReadonlySet<number>): number[][] {
  const pieces: number[][] = [[]];
  for (const id of ids) {
    pieces[pieces.length - 1]!.push(id);
    if (boundary.has(id)) pieces.push([]);
  }
  return pieces.filter((piece) => piece.length > 0);
}

function splitAtLevel(ids: readonly number[], maxTokens: number, levels: readonly ReadonlySet<number>[]): number[][] {
  if (ids.length <= maxTokens) return [[...ids]];
  const [boundary, ...weaker] = levels;
  // No boundary left (one 510-phoneme word): a hard cut is the only way to stay within the model's context.
  if (!boundary) return Array.from({ length: Math.ceil(ids.length / maxTokens) }, (_, i) => ids.slice(i * maxTokens, (i + 1) * maxTokens));
  const chunks: number[][] = [];
  let current: number[] = [];
  for (const piece of splitAfter(ids, boundary).flatMap((p) => splitAtLevel(p, maxTokens, weaker))) {
    if (current.length + piece.length > maxTokens) {
      chunks.push(current);
      current = [];
    }
    current.push(...piece);
  }
  chunks.push(current);
  return chunks;
}

/**
 * Chunks of at most `maxTokens` ids, packed greedily from whole sentences, else clauses, else words; word separators
 * at a chunk's ends are dropped and chunks left empty are removed.
 */
export function chunkTokenIds(ids: readonly number[], maxTokens: number, boundaries: BoundaryIds): number[][] {
  const trim = (chunk: number[]): number[] => {
    let [start, end] = [0, chunk.length];
    while (start < end && boundaries.word.has(chunk[start]!)) start++;
    while (end > start && boundaries.word.has(chunk[end - 1]!)) end--;
    return chunk.slice(start, end);
  };
  return splitAtLevel(ids, maxTokens, [boundaries.sentence, boundaries.clause, boundaries.word])
    .map(trim)
    .filter((chunk) => chunk.length > 0);
}
