// npm run eval on the tiny pack over the demo set (with a missing WAV and a malformed line): both paths side by side.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replyMetrics } from './eval/metrics/replyMetrics';

const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'eval-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tiny pack's two designed replies (scripts/tinyPack): 7 and 9 words. */
const LISTENING = 'i hear you, that sounds really hard.';
const ENCOURAGING = 'you can do this, one step at a time!';

function tsx(script: string, args: string[]) {
  const result = spawnSync(TSX, [join(ROOT, script), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface EvalJson {
  conditions: { name: string; dialogues: { id: string; replies: { text: string; reference: string | null; route: { path: string } | null }[]; metrics: Record<string, number | null> }[]; overall: Record<string, number | null> }[];
  problems: string[];
}

describe('npm run eval', () => {
  it('needs the tiny pack and the fixtures', () => {
    expect(existsSync(join(ROOT, 'public/models/tiny/llm/onnx/model.onnx')), "run 'npm run make:tiny-pack'").toBe(true);
    expect(existsSync(join(ROOT, 'fixtures/dialogue-rising-48k.wav')), "run 'npm run fixtures'").toBe(true);
  });

  it('scores every good dialogue under both paths, names the bad lines and goes on', () => {
    expect(tsx('scripts/eval/makeDemoSet.ts', [dir, '--with-bad-lines']).status).toBe(0);
    const { status, stdout, stderr } = tsx('scripts/eval.ts', [join(dir, 'set.jsonl'), '--pack', 'tiny', '--json']);
    expect(status, stderr).toBe(0);
    expect(stderr).toMatch(/line 4 \(missing\): .*no-such-file\.wav: cannot read \(no such file\)/);
    expect(stderr).toMatch(/line 5: audio: must be a WAV path/);
    const report = JSON.parse(stdout) as EvalJson;
    expect(report.problems).toHaveLength(2);
    expect(report.conditions.map((c) => c.name)).toEqual(['speech', 'text']);
    for (const condition of report.conditions) {
      expect(condition.dialogues.map((d) => d.id)).toEqual(['falling', 'rising', 'turn-files']);
      const replies = condition.dialogues.flatMap((d) => d.replies);
      expect(replies.map((r) => r.route?.path)).toEqual(new Array(8).fill(condition.name));
      // Rising energy brings the encouraging reply: the last turn of "rising", the louder second turn file.
      expect(condition.dialogues.map((d) => d.replies.map((r) => r.text))).toEqual([[LISTENING, LISTENING, LISTENING], [LISTENING, LISTENING, ENCOURAGING], [LISTENING, ENCOURAGING]]);
      expect(condition.overall.meanReplyWords).toBeCloseTo((6 * 7 + 2 * 9) / 8, 12);
      // Overall figures are the metrics of all replies as one corpus, not means of the dialogues' figures.
      const expected = replyMetrics(replies.map((r) => ({ reply: r.text, reference: r.reference })));
      expect(condition.overall).toMatchObject({ bleu1: expected.bleu1, bleu4: expected.bleu4, rougeL: expected.rougeL, distinct1: expected.distinct1, distinct2: expected.distinct2 });
    }
    // Six dialogue runs in one process: room for a machine shared with other jobs.
  }, 240_000);

  it('stops before loading models when a condition asks for a speech path the pack lacks', () => {
    const { status, stderr } = tsx('scripts/eval.ts', [join(dir, 'set.jsonl'), '--pack', 'default', '--path', 'speech']);
    expect(status).toBe(2);
    expect(stderr).toBe('eval: condition "speech" asks for the speech path, but the "default" pack has no es4r and no speech_llm component; drop the condition or use a pack with ES4R\'s speech path\n');
  });
});
