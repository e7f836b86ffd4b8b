// A smoke run of bench:turn on the tiny pack in Node: one turn through our pipeline and the plain recipe, its JSON only.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const hasTinyPack = existsSync(join(ROOT, 'public', 'models', 'tiny'));

function bench(args: string[]) {
  return run(TSX, [join(ROOT, 'scripts', 'bench-turn.ts'), ...args], { cwd: ROOT, maxBuffer: 16 * 2 ** 20 });
}

describe('bench:turn', () => {
  it.skipIf(!hasTinyPack)('times a tiny-pack turn in Node, ours beside the plain recipe, and prints only JSON', async () => {
    const { stdout } = await bench(['--pack', 'tiny', '--where', 'node', '--turns', '1', '--reply-tokens', '8', '--path', 'text', '--json']);
    const report = JSON.parse(stdout) as Record<string, unknown> & {
      turns: { endOfSpeechToFirstAudioMs: number; stagesMs: Record<string, number>; promptTokens: number; prefilledTokens: number; replyWords: number; speculativeHiddenMs: number | null }[];
      plain: { p50Ms: number; p90Ms: number; turns: { endOfSpeechToFirstAudioMs: number; stagesMs: Record<string, number>; replyWords: number }[] };
      peakMemoryMb: Record<string, number>;
    };
    expect(report).toMatchObject({ pack: 'tiny', device: 'wasm', where: 'node', answerPath: 'text', replyTokens: 8, talkToListeningMs: null });
    expect(report.turns).toHaveLength(1);
    expect(report.plain.turns).toHaveLength(1);
    for (const turn of [...report.turns, ...report.plain.turns]) {
      const stages = Object.values(turn.stagesMs);
      expect(stages.length).toBeGreaterThanOrEqual(8);
      for (const ms of stages) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
      // The stages split the total: they sum to it up to rounding.
      expect(stages.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(turn.endOfSpeechToFirstAudioMs + 1e-6);
      expect(turn.endOfSpeechToFirstAudioMs).toBeGreaterThan(0);
    }
    expect(report.turns[0]!.prefilledTokens).toBeLessThanOrEqual(report.turns[0]!.promptTokens);
    // The page's speculative end of turn ran from the pause: its work lies inside the end-of-turn wait.
    const hiddenMs = report.turns[0]!.speculativeHiddenMs;
    expect(hiddenMs).toBeGreaterThan(0);
    expect(hiddenMs).toBeLessThanOrEqual(report.turns[0]!.stagesMs.endOfTurnWait!);
    // Both were made to write the fixed reply's first 8 tokens, "i'm so sorry you're" on the tiny word-level tokenizer
    // (4 words); ours keeps the streamed text, in which that tokenizer's pieces come apart ("i m so sorry you re").
    expect([report.turns[0]!.replyWords, report.plain.turns[0]!.replyWords]).toEqual([6, 4]);
    expect(report.p50Ms).toBe(report.turns[0]!.endOfSpeechToFirstAudioMs);
    expect(report.ratioP50).toBeCloseTo((report.p50Ms as number) / report.plain.p50Ms, 9);
    expect(report.peakMemoryMb.oursRss).toBeGreaterThan(0);
  });

  it('calls a bad flag a usage error and names the command that makes a missing pack', async () => {
    await expect(bench(['--where', 'moon'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--where must be node, page or both') });
    await expect(bench(['--speculation', 'maybe'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--speculation must be on or off') });
    await expect(bench(['--first-chunk-priority', 'yes'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--first-chunk-priority must be on or off') });
    await expect(bench(['--pack', 'scale-huge'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("npm run make:scale-pack -- huge") });
  });
});
