// Shared by the benchmark scripts: interleaved runs after a warm-up, medians per field.

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs the named measurements interleaved (so drift hits all alike) and returns each field's median. */
export async function measure(
  runs: Record<string, () => Promise<Record<string, number>>>,
  warmupRuns: number,
  timedRuns: number,
): Promise<Record<string, Record<string, number>>> {
  const samples: Record<string, Record<string, number[]>> = {};
  for (let i = 0; i < warmupRuns + timedRuns; i++) {
    for (const [name, run] of Object.entries(runs)) {
      const result = await run();
      if (i < warmupRuns) continue;
      const fields = (samples[name] ??= {});
      for (const [field, value] of Object.entries(result)) (fields[field] ??= []).push(value);
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, fields]) => [name, Object.fromEntries(Object.entries(fields).map(([f, v]) => [f, median(v)]))]),
  );
}
