// What `npm run eval` reports: every reply with its reference, the metrics per dialogue and per condition, and the
// table that puts the conditions side by side.
import type { ReplyRoute } from '../../src/conversation/dialogue';
import type { ReplySettings } from '../../src/conversation/conversation';
import { replyMetrics, type ReplyMetrics, type ScoredReply } from './metrics/replyMetrics';

export interface EvalReply {
  turn: number;
  transcript: string;
  text: string;
  reference: string | null;
  route: ReplyRoute | null;
  promptTokens: number | null;
  timingsMs: Record<string, number>;
}

/** Median figures over the replies (ms), null without any. */
export interface LatencyFigures {
  endOfTurnToReplyMs: number | null;
  firstTokenMs: number | null;
}

export type EvalMetrics = ReplyMetrics & { latency: LatencyFigures };

export interface EvalDialogue {
  id: string;
  replies: EvalReply[];
  metrics: EvalMetrics;
}

export interface EvalConditionResult {
  name: string;
  settings: ReplySettings;
  dialogues: EvalDialogue[];
  overall: EvalMetrics;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Metrics of a set of replies: BLEU and Distinct over the set as one corpus, not means of per-dialogue values. */
export function evalMetrics(replies: readonly EvalReply[]): EvalMetrics {
  const scored: ScoredReply[] = replies.map((reply) => ({ reply: reply.text, reference: reply.reference }));
  const timing = (stage: string) => replies.flatMap((reply) => (reply.timingsMs[stage] === undefined ? [] : [reply.timingsMs[stage]]));
  return { ...replyMetrics(scored), latency: { endOfTurnToReplyMs: median(timing('endOfTurnToReply')), firstTokenMs: median(timing('llm.firstToken')) } };
}

const COLUMNS: readonly [string, (m: EvalMetrics) => number | null, number][] = [
  ['BLEU-1', (m) => m.bleu1, 4],
  ['BLEU-4', (m) => m.bleu4, 4],
  ['ROUGE-L', (m) => m.rougeL, 4],
  ['Distinct-1', (m) => m.distinct1, 4],
  ['Distinct-2', (m) => m.distinct2, 4],
  ['words/reply', (m) => m.meanReplyWords, 1],
  ['turn end->reply ms', (m) => m.latency.endOfTurnToReplyMs, 0],
  ['first token ms', (m) => m.latency.firstTokenMs, 0],
];

function cell(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

/** A Markdown table, one row per condition (overall figures) and one column per metric. */
export function comparisonTable(conditions: readonly EvalConditionResult[]): string {
  const header = ['condition', 'dialogues', 'replies (with reference)', ...COLUMNS.map(([name]) => name)];
  const rows = conditions.map((c) => [
    c.name,
    String(c.dialogues.length),
    `${c.overall.replies} (${c.overall.referenced})`,
    ...COLUMNS.map(([, pick, digits]) => cell(pick(c.overall), digits)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** One line per dialogue under its condition, for the text report. */
export function dialogueLines(condition: EvalConditionResult): string[] {
  return condition.dialogues.map((d) => {
    const figures = COLUMNS.map(([name, pick, digits]) => `${name} ${cell(pick(d.metrics), digits)}`).join(', ');
    return `  ${d.id}: ${d.replies.length} repl${d.replies.length === 1 ? 'y' : 'ies'}; ${figures}`;
  });
}
