// ROUGE-L (Lin 2004): the longest common subsequence of reply and reference, as an F-measure of its recall and precision.

export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) current[j] = x === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    previous = current;
  }
  return previous[b.length]!;
}

/** F_lcs = (1 + beta^2) R P / (R + beta^2 P) with R = LCS / |reference|, P = LCS / |candidate|; 0 when either is empty or nothing is shared. */
export function rougeL(candidate: readonly string[], reference: readonly string[], beta = 1): number {
  const lcs = candidate.length === 0 || reference.length === 0 ? 0 : lcsLength(candidate, reference);
  if (lcs === 0) return 0;
  const recall = lcs / reference.length;
  const precision = lcs / candidate.length;
  return ((1 + beta * beta) * recall * precision) / (recall + beta * beta * precision);
}
