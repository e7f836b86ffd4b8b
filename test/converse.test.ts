import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const fixture = (name: string): string => join(ROOT, 'fixtures', name);

function converse(args: string[]) {
  const result = spawnSync(TSX, [join(ROOT, 'scripts', 'converse.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The tiny pack's designed outputs (scripts/tinyPack): the same transcript for any speech, two replies. */
const TRANSCRIPT = 'Hello, how are you?';
const LISTENING_REPLY = 'i hear you, that sounds really hard.';
const ENCOURAGING_REPLY = 'you can do this, one step at a time!';

// Each run spawns the CLI, which loads the tiny pack: a minute or more on a busy 2-core machine.
describe('npm run converse', { timeout: 300_000 }, () => {
  it('needs the tiny pack and the fixtures', () => {
    expect(existsSync(join(ROOT, 'public/models/tiny/llm/onnx/model.onnx')), "run 'npm run make:tiny-pack'").toBe(true);
    expect(existsSync(fixture('dialogue-rising-48k.wav')), "run 'npm run fixtures'").toBe(true);
  });

  it('answers each turn of a rising dialogue, the last one encouragingly, as JSON only on stdout', () => {
    const { status, stdout, stderr } = converse([fixture('dialogue-rising-48k.wav'), '--pack', 'tiny', '--json']);
    expect(status, stderr).toBe(0);
    const { turns } = JSON.parse(stdout) as { turns: { startMs: number; endMs: number; transcript: string; strategy: string; deltaDb: number | null; reply: string; prompt: { tokens: number; prefilledTokens: number }; timingsMs: Record<string, number> }[] };
    expect(turns.map((t) => t.transcript)).toEqual([TRANSCRIPT, TRANSCRIPT, TRANSCRIPT]);
    expect(turns.map((t) => t.strategy)).toEqual(['neutral', 'neutral', 'encourage']);
    expect(turns.map((t) => t.reply)).toEqual([LISTENING_REPLY, LISTENING_REPLY, ENCOURAGING_REPLY]);
    expect(turns[0]!.deltaDb).toBeNull();
    // Turn 3 is 12 dB louder than turns 1-2 (sox gain), within a dB for the different sentence.
    expect(turns[2]!.deltaDb!).toBeGreaterThan(11);
    expect(turns[2]!.deltaDb!).toBeLessThan(13.5);
    // The system prompt is prefilled at load and each turn reuses the last one's cache, so the reused part grows.
    const reused = turns.map((turn) => turn.prompt.tokens - turn.prompt.prefilledTokens);
    expect(turns.every((turn) => turn.prompt.prefilledTokens > 0)).toBe(true);
    expect(reused[0]).toBeGreaterThan(0);
    expect(reused[1]).toBeGreaterThan(reused[0]!);
    expect(reused[2]).toBeGreaterThan(reused[1]!);
    for (const turn of turns) {
      expect(turn.endMs).toBeGreaterThan(turn.startMs);
      expect(Object.keys(turn.timingsMs)).toEqual(expect.arrayContaining(['asr.encoder', 'asr.decoder', 'llm.firstToken', 'endOfTurnToReply']));
    }
  });

  it('prints a readable report with the cues the prompt carried', () => {
    const { status, stdout } = converse([fixture('dialogue-falling-48k.wav'), '--pack', 'tiny']);
    expect(status).toBe(0);
    expect(stdout).toContain('turn 3');
    expect(stdout).toContain('strategy comfort');
    expect(stdout).toMatch(/cues: +\[.*much quieter.*comforting/);
    expect(stdout).toContain(`reply:  ${LISTENING_REPLY}`);
  });

  it('with --tts writes each reply as a 24 kHz WAV and reports the voice and the time to first audio', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'converse-tts-'));
    try {
      const { status, stdout, stderr } = converse([fixture('dialogue-falling-48k.wav'), '--pack', 'tiny', '--tts', outDir, '--json']);
      expect(status, stderr).toBe(0);
      const { turns } = JSON.parse(stdout) as { turns: { voice: { strategy: string; speed: number; styleSource: string }; ttfaMs: number }[] };
      // Falling energy: neutral first, then comfort, spoken slower (the pack's comfort preset is 0.9x);
      // the tiny pack installs a style encoder, so the user's own turns shape the voice.
      expect(turns.map((t) => t.voice)).toEqual([
        { strategy: 'neutral', speed: 1, styleSource: 'encoder' },
        { strategy: 'comfort', speed: 0.9, styleSource: 'encoder' },
        { strategy: 'comfort', speed: 0.9, styleSource: 'encoder' },
      ]);
      for (const [i, turn] of turns.entries()) {
        expect(turn.ttfaMs).toBeGreaterThan(0);
        const wav = join(outDir, `turn-${i + 1}.wav`);
        expect(execFileSync('soxi', ['-r', wav]).toString().trim()).toBe('24000');
        expect(Number(execFileSync('soxi', ['-D', wav]).toString())).toBeGreaterThan(1);
      }
      // The same reply at 0.9x lasts 1/0.9 as long (the tiny TTS: round(6T/speed) frames of 300 samples).
      const seconds = (n: number) => Number(execFileSync('soxi', ['-D', join(outDir, `turn-${n}.wav`)]).toString());
      expect(seconds(2) / seconds(1)).toBeCloseTo(1 / 0.9, 1);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('rejects a broken WAV with exit code 2 and names a missing pack with the command that fetches it', () => {
    const broken = converse([join(ROOT, 'README.md'), '--pack', 'tiny']);
    expect(broken.status).toBe(2);
    expect(broken.stderr.trim()).toMatch(/^converse: .*README\.md: not a WAV file/);
    const missing = converse([fixture('dialogue-falling-48k.wav'), '--pack', 'quality']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`the "quality" pack is not installed`);
    expect(missing.stderr).toContain("npm run models -- quality");
  });

  it('answers through the ES4R speech path on a pack that has one, and through each ablation', () => {
    type Route = { path: string; dualAttention: boolean; crossAttention: boolean; speechTokens: number | null; fallbackReason: string | null };
    const run = (...flags: string[]) => {
      const { status, stdout, stderr } = converse([fixture('dialogue-rising-48k.wav'), '--pack', 'tiny', '--json', ...flags]);
      expect(status, stderr).toBe(0);
      return (JSON.parse(stdout) as { turns: { reply: string; route: Route; timingsMs: Record<string, number> }[] }).turns;
    };
    const full = run();
    expect(full.map((t) => t.route.path)).toEqual(['speech', 'speech', 'speech']);
    expect(full.every((t) => t.route.dualAttention && t.route.crossAttention)).toBe(true);
    // Each reply's front holds every user turn so far, so the speech vectors grow with the dialogue.
    const tokens = full.map((t) => t.route.speechTokens!);
    expect(tokens[0]).toBeGreaterThan(0);
    expect(tokens[1]).toBeGreaterThan(tokens[0]!);
    expect(tokens[2]).toBeGreaterThan(tokens[1]!);
    expect(Object.keys(full[0]!.timingsMs)).toEqual(expect.arrayContaining(['llm.speechFront', 'llm.speechWhisper', 'llm.speechAdapter', 'llm.crossAttention']));
    // The tiny LLM still reads the cue word in the text history beside the speech vectors.
    expect(full.map((t) => t.reply)).toEqual([LISTENING_REPLY, LISTENING_REPLY, ENCOURAGING_REPLY]);

    // Without the affect front Whisper sees the raw log-mel: ~8x the frames, so many more speech vectors.
    const raw = run('--no-dual-attention');
    expect(raw.map((t) => t.route)).toEqual(raw.map(() => expect.objectContaining({ path: 'speech', dualAttention: false, crossAttention: true })));
    expect(raw[0]!.route.speechTokens!).toBeGreaterThan(3 * tokens[0]!);

    const noCross = run('--no-cross-attention');
    expect(noCross.map((t) => t.route)).toEqual(noCross.map(() => expect.objectContaining({ path: 'speech', dualAttention: true, crossAttention: false })));
    expect(noCross.map((t) => t.route.speechTokens)).toEqual(tokens);

    const text = run('--path', 'text');
    expect(text.map((t) => t.route)).toEqual(text.map(() => ({ path: 'text', dualAttention: false, crossAttention: false, speechTokens: null, fallbackReason: null })));
    expect(text.map((t) => t.reply)).toEqual([LISTENING_REPLY, LISTENING_REPLY, ENCOURAGING_REPLY]);
  });

  it('says which speech-path flags make no sense', () => {
    const ablationOnText = converse([fixture('dialogue-rising-48k.wav'), '--pack', 'tiny', '--path', 'text', '--no-cross-attention']);
    expect(ablationOnText.status).toBe(2);
    expect(ablationOnText.stderr).toContain('ablations of the speech path; they need --path speech');
    const badPath = converse([fixture('dialogue-rising-48k.wav'), '--pack', 'tiny', '--path', 'audio']);
    expect(badPath.status).toBe(2);
    expect(badPath.stderr).toContain('--path must be speech or text, got "audio"');
  });
});
