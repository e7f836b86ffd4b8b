// Distinct-n (Li et al. 2016): distinct n-grams over all n-grams of a set of replies, a measure of their diversity.
import { ngrams } from './tokenize';

/** Null when the replies have no n-gram at all. */
export function distinctN(replies: readonly (readonly string[])[], n: number): number | null {
  const all = replies.flatMap((tokens) => ngrams(tokens, n));
  return all.length === 0 ? null : new Set(all).size / all.length;
}
