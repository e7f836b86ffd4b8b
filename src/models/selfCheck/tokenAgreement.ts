/** How two runs rank the next token, step by step: the behaviour a language model's user sees. */
export interface TokenAgreement {
  /** Each run's greedy (argmax) token per step. */
  candidateTokens: number[];
  referenceTokens: number[];
  /** Share of steps whose greedy tokens are equal. */
  greedyAgreement: number;
  /** Mean over steps of |top-k(candidate) ∩ top-k(reference)| / k. */
  topKOverlap: number;
}

/** The indices of the k largest values, largest first (ties: lower index first). */
export function topK(values: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === k && values[i]! <= values[best[k - 1]!]!) continue;
    let at = best.length === k ? k - 1 : best.length;
    best[at] = i;
    while (at > 0 && values[best[at - 1]!]! < values[i]!) {
      best[at] = best[at - 1]!;
      best[--at] = i;
    }
  }
  return best;
}

/** Compares logits laid out as [steps x vocabulary] (the last `steps` positions of one forward pass). */
export function compareTokens(candidate: Float32Array, reference: Float32Array, steps: number, k: number): TokenAgreement {
  const vocabulary = reference.length / steps;
  const candidateTokens: number[] = [];
  const referenceTokens: number[] = [];
  let greedySame = 0;
  let overlap = 0;
  for (let step = 0; step < steps; step++) {
    const a = topK(candidate.subarray(step * vocabulary, (step + 1) * vocabulary), k);
    const b = topK(reference.subarray(step * vocabulary, (step + 1) * vocabulary), k);
    candidateTokens.push(a[0]!);
    referenceTokens.push(b[0]!);
    if (a[0] === b[0]) greedySame++;
    const inReference = new Set(b);
    overlap += a.filter((token) => inReference.has(token)).length / k;
  }
  return { candidateTokens, referenceTokens, greedyAgreement: greedySame / steps, topKOverlap: overlap / steps };
}
