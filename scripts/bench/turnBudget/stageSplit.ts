/** One interval of a turn's timeline: from the previous interval's end to `endMs`, on one clock. */
export interface TimelineInterval {
  /** The stage that takes what the parts leave of the interval. */
  stage: string;
  endMs: number;
  /** Durations measured inside the interval (e.g. the ASR encoder inside "transcribed"), filled in order. */
  parts?: readonly (readonly [stage: string, ms: number])[];
}

export interface StageSplit {
  totalMs: number;
  stagesMs: Record<string, number>;
}

/**
 * Splits the time from `startMs` to the last interval's end into stages. A mark earlier than the one before it (a
 * speculative step that ran ahead of the decision it serves) counts as that earlier mark, so no stage is negative; a
 * part never takes more than what is left of its interval. The stages therefore sum to the total exactly.
 */
export function splitStages(startMs: number, intervals: readonly TimelineInterval[]): StageSplit {
  const stagesMs: Record<string, number> = {};
  const add = (stage: string, ms: number) => (stagesMs[stage] = (stagesMs[stage] ?? 0) + ms);
  let atMs = startMs;
  for (const { stage, endMs, parts = [] } of intervals) {
    const until = Math.max(atMs, endMs);
    let left = until - atMs;
    for (const [part, ms] of parts) {
      const taken = Math.min(Math.max(0, ms), left);
      add(part, taken);
      left -= taken;
    }
    add(stage, left);
    atMs = until;
  }
  return { totalMs: atMs - startMs, stagesMs };
}
