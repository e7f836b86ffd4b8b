import { percentile } from './percentiles';
import type { TurnResult } from './turnResult';

/** Turns 1-10 are the ones summarised: a budget for the start of a conversation, when the prompt is still short. */
export const SUMMARISED_TURNS = 10;

export interface LatencySummary {
  p50Ms: number;
  p90Ms: number;
  /** Each stage's p50 over the same turns (these need not sum to p50Ms). */
  stagesP50Ms: Record<string, number>;
}

/** One place's (Node's or the page's) result: bench:turn's JSON. */
export interface PlaceReport extends LatencySummary {
  pack: string;
  device: string;
  where: 'node' | 'page';
  answerPath: string;
  replyTokens: number;
  turns: TurnResult[];
  /** Talk -> listening in the page (once the models are ready); null in Node. */
  talkToListeningMs: number | null;
  loadMs: Record<string, number>;
  peakMemoryMb: Record<string, number>;
  plain: (LatencySummary & { turns: TurnResult[] }) | null;
  /** p50 end of speech -> first audio, ours / plain recipe. */
  ratioP50: number | null;
  notes: string[];
}

export function summarize(turns: readonly TurnResult[]): LatencySummary {
  const timed = turns.slice(0, SUMMARISED_TURNS);
  const stages = [...new Set(timed.flatMap((turn) => Object.keys(turn.stagesMs)))];
  return {
    p50Ms: percentile(timed.map((turn) => turn.endOfSpeechToFirstAudioMs), 50),
    p90Ms: percentile(timed.map((turn) => turn.endOfSpeechToFirstAudioMs), 90),
    stagesP50Ms: Object.fromEntries(stages.map((stage) => [stage, percentile(timed.map((turn) => turn.stagesMs[stage] ?? 0), 50)])),
  };
}

export function ratioOf(ours: LatencySummary, plain: LatencySummary | null): number | null {
  return plain && plain.p50Ms > 0 && Number.isFinite(ours.p50Ms) ? ours.p50Ms / plain.p50Ms : null;
}

const ms = (value: number | null | undefined) => (value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(0));

/** The human-readable report of one place: per-turn stages, p50/p90, plain recipe side by side, memory, the ratio last. */
export function formatPlace(report: PlaceReport): string {
  const stages = [...new Set([...report.turns, ...(report.plain?.turns ?? [])].flatMap((turn) => Object.keys(turn.stagesMs)))];
  const lines: string[] = [];
  lines.push(`${report.where} | pack ${report.pack} | ${report.device} | ${report.answerPath} path | replies of ${report.replyTokens} tokens`);
  const header = ['turn', 'total', ...stages, 'prompt', 'prefilled', 'asrTok', 'words', 'hidden'];
  const row = (label: string, turn: TurnResult) => [label, ms(turn.endOfSpeechToFirstAudioMs), ...stages.map((s) => ms(turn.stagesMs[s])), String(turn.promptTokens ?? '-'), String(turn.prefilledTokens ?? '-'), String(turn.asrTokens ?? '-'), String(turn.replyWords ?? '-'), ms(turn.speculativeHiddenMs)];
  const summaryRow = (label: string, summary: LatencySummary, value: 'p50Ms' | 'p90Ms') => [label, ms(summary[value]), ...stages.map((s) => (value === 'p50Ms' ? ms(summary.stagesP50Ms[s]) : '')), '', '', '', '', ''];
  const rows: string[][] = [header];
  report.turns.forEach((turn, i) => rows.push(row(`ours ${i + 1}`, turn)));
  rows.push(summaryRow('ours p50', report, 'p50Ms'), summaryRow('ours p90', report, 'p90Ms'));
  if (report.plain) {
    report.plain.turns.forEach((turn, i) => rows.push(row(`plain ${i + 1}`, turn)));
    rows.push(summaryRow('plain p50', report.plain, 'p50Ms'), summaryRow('plain p90', report.plain, 'p90Ms'));
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows) lines.push(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  lines.push('(ms from the last voiced sample of the user\'s turn; stage columns split each total, p50 rows give each stage\'s own p50;');
  lines.push(' prompt/prefilled: the prompt\'s tokens and those run for this reply; words: the words of the reply (the fixed reply, forced); hidden: speculative work inside the wait)');
  lines.push(`load ms: ${Object.entries(report.loadMs).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
  lines.push(`peak memory MB: ${Object.entries(report.peakMemoryMb).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  if (report.talkToListeningMs !== null) lines.push(`Talk -> listening: ${ms(report.talkToListeningMs)} ms`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  lines.push(`ours / plain recipe, p50 end of speech -> first audio: ${report.ratioP50 === null ? '-' : report.ratioP50.toFixed(2)} (${ms(report.p50Ms)} / ${ms(report.plain?.p50Ms)} ms)`);
  return lines.join('\n');
}
