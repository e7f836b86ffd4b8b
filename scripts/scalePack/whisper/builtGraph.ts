import type { WeightFormat } from '../scaleWeights';

/** One serialised graph with the figures make:scale-pack checks. */
export interface BuiltGraph {
  bytes: Uint8Array;
  format: WeightFormat;
  /** Parameters of the checkpoint the graph stands for (a tied table counted once). */
  parameters: number;
  /** Operators of the graph, If branches included. */
  opHistogram: Record<string, number>;
}

/** Sums operator histograms (a graph's and its branches'). */
export function mergeHistograms(...histograms: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const histogram of histograms) for (const [op, count] of Object.entries(histogram)) merged[op] = (merged[op] ?? 0) + count;
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1)));
}
