// Corpus-level BLEU (Papineni et al. 2002): clipped n-gram counts and lengths summed over all replies before
// dividing, the closest reference length for the brevity penalty (the shorter on a tie), no smoothing.
import { ngrams } from './tokenize';

export interface ClippedCounts {
  matches: number;
  total: number;
}

/** Hypothesis n-grams, each counted at most as often as in the reference that has it most often. */
export function clippedCounts(references: readonly (readonly string[])[], hypothesis: readonly string[], n: number): ClippedCounts {
  const counts = countOf(ngrams(hypothesis, n));
  const maxInReference = new Map<string, number>();
  for (const reference of references) {
    for (const [gram, count] of countOf(ngrams(reference, n))) maxInReference.set(gram, Math.max(maxInReference.get(gram) ?? 0, count));
  }
  let matches = 0;
  let total = 0;
  for (const [gram, count] of counts) {
    matches += Math.min(count, maxInReference.get(gram) ?? 0);
    total += count;
  }
  return { matches, total };
}

/** The reference length closest to the hypothesis length; the shorter one when two are equally close. */
export function closestReferenceLength(references: readonly (readonly string[])[], hypothesisLength: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const reference of references) {
    const distance = Math.abs(reference.length - hypothesisLength);
    const bestDistance = Math.abs(best - hypothesisLength);
    if (distance < bestDistance || (distance === bestDistance && reference.length < best)) best = reference.length;
  }
  return best;
}

/** 1 when the hypotheses are longer than the references, else exp(1 - r / c); 0 for an empty hypothesis side. */
export function brevityPenalty(referenceLength: number, hypothesisLength: number): number {
  if (hypothesisLength > referenceLength) return 1;
  if (hypothesisLength === 0) return 0;
  return Math.exp(1 - referenceLength / hypothesisLength);
}

/**
 * BLEU with uniform weights over n-gram orders 1..maxOrder, over the whole corpus:
 * `referenceSets[i]` holds the reference token lists of `hypotheses[i]`. 0 when an order has no match.
 */
export function corpusBleu(referenceSets: readonly (readonly (readonly string[])[])[], hypotheses: readonly (readonly string[])[], maxOrder: number): number {
  if (referenceSets.length !== hypotheses.length) throw new Error(`${hypotheses.length} hypotheses but ${referenceSets.length} reference sets`);
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let hypothesisLength = 0;
  let referenceLength = 0;
  hypotheses.forEach((hypothesis, i) => {
    const references = referenceSets[i]!;
    for (let n = 1; n <= maxOrder; n++) {
      const counts = clippedCounts(references, hypothesis, n);
      matches[n - 1]! += counts.matches;
      totals[n - 1]! += counts.total;
    }
    hypothesisLength += hypothesis.length;
    referenceLength += closestReferenceLength(references, hypothesis.length);
  });
  if (matches.some((m) => m === 0)) return 0;
  const meanLogPrecision = matches.reduce((sum, m, i) => sum + Math.log(m / totals[i]!), 0) / maxOrder;
  return brevityPenalty(referenceLength, hypothesisLength) * Math.exp(meanLogPrecision);
}

function countOf(grams: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const gram of grams) counts.set(gram, (counts.get(gram) ?? 0) + 1);
  return counts;
}
