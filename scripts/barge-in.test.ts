// npm run barge-in on recordings built here from the fixtures: echo alone, the user over the echo, a bad WAV.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav } from '../src/audio/wav/readWav';
import { encodeWav16 } from '../src/audio/wav/writeWav';

const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'barge-in-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bargeIn(args: string[]) {
  const result = spawnSync(TSX, [join(ROOT, 'scripts/barge-in.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fixture = (name: string): Float32Array => readWav(readFileSync(join(ROOT, 'fixtures', name))).samples;
const RATE_HZ = 16000;
/** The reply: two sentences of the fixture voice back to back (8 s). */
const reply = (() => {
  const sentence = fixture('speech-16k.wav');
  const out = new Float32Array(2 * sentence.length);
  out.set(sentence);
  out.set(sentence, sentence.length);
  return out;
})();
/** The loudspeaker heard 80 ms later at -10 dB, plus a faint noise floor. */
const echo = reply.map((_, i) => (i >= 1280 ? 0.316 * reply[i - 1280]! : 0) + 1e-4 * Math.sin(i * 1.7));
/** The user: another text (the monologue fixture, the same synthetic voice as the reply), 6 dB louder than the reply plays (16 dB over its echo), from 5 s on. */
const USER_AT_MS = 5000;
const userOverEcho = echo.slice();
const user = fixture('monologue-16k.wav').subarray(8000, 8000 + 2 * RATE_HZ);
userOverEcho.forEach((_, i) => {
  const j = i - (USER_AT_MS * RATE_HZ) / 1000;
  if (j >= 0 && j < user.length) userOverEcho[i]! += 2 * user[j]!;
});

const write = (name: string, samples: Float32Array): string => {
  const path = join(dir, name);
  writeFileSync(path, encodeWav16(samples, RATE_HZ));
  return path;
};
const replyWav = write('reply.wav', reply);

interface Report {
  bargeIns: { atMs: number; confirmedMs: number }[];
  ducks: { atMs: number; restoredMs: number | null }[];
}

describe('npm run barge-in', { timeout: 120_000 }, () => {
  it('echo alone: no barge-in, and only JSON on stdout', () => {
    const { status, stdout } = bargeIn(['--mic', write('echo.wav', echo), '--playback', replyWav, '--json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.bargeIns).toEqual([]);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('the user over the echo: one barge-in, confirmed within 400 ms of their first word, with the voice ducked before', () => {
    const { status, stdout } = bargeIn(['--mic', write('user.wav', userOverEcho), '--playback', replyWav, '--json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.bargeIns).toHaveLength(1);
    const [hit] = report.bargeIns;
    // The monologue's excerpt starts mid-word: the onset may be the first chunk, or a frame of leftover echo just before it.
    expect(hit!.atMs).toBeGreaterThanOrEqual(USER_AT_MS - 50);
    expect(hit!.confirmedMs).toBeLessThan(USER_AT_MS + 400);
    const duck = report.ducks.find((d) => d.atMs >= USER_AT_MS - 32);
    expect(duck).toBeDefined();
    expect(duck!.atMs).toBeLessThanOrEqual(hit!.confirmedMs);
    expect(duck!.restoredMs).toBeNull();
  });

  it('a missing or broken WAV: one line on stderr, nothing on stdout, exit 2', () => {
    writeFileSync(join(dir, 'broken.wav'), 'not a wav');
    for (const mic of [join(dir, 'missing.wav'), join(dir, 'broken.wav')]) {
      const { status, stdout, stderr } = bargeIn(['--mic', mic, '--playback', replyWav, '--json']);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
