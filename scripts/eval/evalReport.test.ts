import { describe, expect, it } from 'vitest';
import type { ReplySettings } from '../../src/conversation/conversation';
import { comparisonTable, evalMetrics, median, type EvalReply } from './evalReport';

const reply = (text: string, reference: string | null, endOfTurnToReply: number): EvalReply => ({ turn: 1, transcript: '', text, reference, route: null, promptTokens: null, timingsMs: { endOfTurnToReply } });

describe('evalMetrics / comparisonTable', () => {
  it('takes medians of the latencies and leaves a stage that never ran as n/a', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    const metrics = evalMetrics([reply('police kill the gunman', 'police killed the gunman', 300), reply('ok', null, 100)]);
    expect(metrics.latency).toEqual({ endOfTurnToReplyMs: 200, firstTokenMs: null });
    expect(metrics.rougeL).toBeCloseTo(0.75, 12);
  });

  it('puts one row per condition with its overall figures', () => {
    const overall = evalMetrics([reply('police kill the gunman', 'police killed the gunman', 300)]);
    const table = comparisonTable([
      { name: 'speech', settings: {} as ReplySettings, dialogues: [], overall },
      { name: 'text', settings: {} as ReplySettings, dialogues: [], overall: evalMetrics([]) },
    ]).split('\n');
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/^\| condition \| dialogues \| replies \(with reference\) \| BLEU-1 \| BLEU-4 \| ROUGE-L \|/);
    expect(table[2]!.split('|').map((c) => c.trim())).toEqual(['', 'speech', '0', '1 (1)', '0.7500', '0.0000', '0.7500', '1.0000', '1.0000', '4.0', '300', 'n/a', '']);
    expect(table[3]!.split('|').map((c) => c.trim()).slice(4, 6)).toEqual(['n/a', 'n/a']);
  });
});
