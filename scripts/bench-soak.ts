// `npm run bench:soak [-- --turns 50] [--every 10] [--port 5190 | --url http://127.0.0.1:5173/] [--webgpu [--pause-s 20]]`: a whole spoken session in headless
// Chromium on the tiny pack, through the real pipeline (fake microphone -> worklet -> listen worker -> Whisper -> LLM ->
// Kokoro -> player), with the memory of the page and of every worker sampled every N answered turns.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { BASE_CHROMIUM_ARGS, chromiumPath, WEBGPU_ARGS } from '../e2e/support/chromium';
import type { PromptSize } from '../src/conversation/dialogue';
import { describePrompt } from '../src/conversation/replyRoute';
import { lateHalf, slopePerTurn } from './bench/lateSlope';
import { parseCliArgs, usageError } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { processMemory } from './bench/processMemory';
import { TargetMemory } from './bench/targetMemory';

const USAGE =
  'npm run bench:soak -- [--turns 50] [--every 10] [--port 5190 | --url http://127.0.0.1:5173/] [--webgpu] [--pause-s 0] [--answer-path text|speech] [--max-prompt-tokens 512]';

interface SoakOptions {
  turns: number;
  every: number;
  port: number;
  webgpu: boolean;
  /** `--answer-path text` answers from the transcript only (no log-mels kept for ES4R's speech path); null: the app's setting. */
  answerPath: 'text' | 'speech' | null;
  /**
   * The prompt budget (Settings > Longest prompt). The language model's heap follows its prompt, which grows by ~25 tokens
   * a turn until the budget: 512 is reached by turn 10, so the late half of the run shows the steady state (the app's 3072
   * would take the tiny pack ~120 turns; `--max-prompt-tokens 3072` to watch it).
   */
  maxPromptTokens: number;
  /** An app already being served (e.g. `npm start`); null: the bench serves it with Vite on `port`. */
  appUrl: string | null;
  /**
   * One sentence, then this many seconds of silence, looped instead of the dialogue (0: the dialogue): on a slow device
   * (WebGPU on SwiftShader takes ~20 s a turn) every reply is cut off by the looping dialogue's next turn before its first word.
   */
  pauseS: number;
}

function soakOptions(): SoakOptions {
  const { values } = parseCliArgs({
    usage: USAGE,
    positionals: [],
    options: {
      turns: { type: 'string', default: '50' },
      every: { type: 'string', default: '10' },
      port: { type: 'string', default: '5190' },
      url: { type: 'string' },
      webgpu: { type: 'boolean', default: false },
      'pause-s': { type: 'string', default: '0' },
      'answer-path': { type: 'string' },
      'max-prompt-tokens': { type: 'string', default: '512' },
    },
  });
  const answerPath = values['answer-path'] ?? null;
  if (answerPath !== null && answerPath !== 'text' && answerPath !== 'speech') throw usageError(USAGE, `--answer-path must be text or speech, got "${answerPath}"`);
  return {
    turns: Number(values.turns),
    every: Number(values.every),
    port: Number(values.port),
    webgpu: values.webgpu,
    answerPath,
    maxPromptTokens: Number(values['max-prompt-tokens']),
    appUrl: values.url ?? null,
    pauseS: Number(values['pause-s']),
  };
}

/** Growth of a page's or worker's JS memory between the first and the last sample above which it is called unbounded. */
const GROWTH_LIMIT_BYTES = 4 * 2 ** 20;
/**
 * For the first minutes V8's wasm tier-up compiles (renderer RSS swings by up to 1.5 GB, gone with --liftoff-only), so
 * the first sample is no baseline: a process is judged by its least-squares slope over the late half of the run,
 * projected over the whole run, against this share of its late mean.
 */
const RSS_GROWTH_LIMIT = 0.1;
/** A turn of the looping dialogue is answered within seconds; a minute without one means the session is stuck. */
const STALL_MS = 90_000;
const MODELS_TIMEOUT_MS = 300_000;
/** Three turns (-12, -12, 0 dB: rising) 1.5 s apart; looping, the fake microphone talks for as long as the session lasts. */
const DIALOGUE_FIXTURE = join(process.cwd(), 'e2e', 'fixtures', 'dialogue-rising-48k.wav');
const SENTENCE_FIXTURE = join(process.cwd(), 'fixtures', 'speech-48k.wav');

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const signedMb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mb(bytes)}`;

interface Progress {
  answered: number;
  interrupted: number;
  failed: number;
  userTurns: number;
  /** The latest finished reply's prompt: what the language model's memory grows with until the budget is reached. */
  prompt: PromptSize | null;
}

async function main(options: SoakOptions): Promise<void> {
  const { turns, every, port, webgpu, answerPath, maxPromptTokens, appUrl, pauseS } = options;
  const fixture = pauseS > 0 ? sentenceWithPause(pauseS) : DIALOGUE_FIXTURE;
  if (!existsSync(fixture)) throw new Error(`${fixture} is missing: run 'npm run fixtures'`);
  if (!existsSync(join(process.cwd(), 'public', 'models', 'tiny'))) throw new Error("the tiny pack is missing: run 'npm run make:tiny-pack'");
  process.env.VITE_CACHE_DIR ??= `node_modules/.vite-${port}`;
  // No file watching and no HMR: an edit elsewhere in the tree must not reload the page mid-session.
  const server = appUrl ? null : await createServer({ logLevel: 'warn', server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null } });
  await server?.listen();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    // Without %noloop the fake microphone plays the dialogue again and again.
    args: [...BASE_CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${fixture}`, ...(webgpu ? WEBGPU_ARGS : [])],
  });
  try {
    const context = await browser.newContext();
    // The app's persisted settings (zustand persist, version 1): only what was asked for is set, the rest keep their defaults.
    const settings = { ...(answerPath ? { answerPath } : {}), maxPromptTokens };
    await context.addInitScript((saved) => localStorage.setItem('es4r.settings', JSON.stringify({ state: { settings: saved }, version: 1 })), settings);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(appUrl ?? `http://127.0.0.1:${port}/`);
    await page.waitForFunction(
      () => {
        const { components } = window.__es4r!.getState();
        return (['asr', 'llm', 'tts'] as const).every((role) => components[role]?.status === 'ready');
      },
      null,
      { timeout: MODELS_TIMEOUT_MS },
    );
    console.error('models ready; talking');
    const devices = await page.evaluate(() => {
      const { components, settings } = window.__es4r!.getState();
      return `${(['asr', 'llm', 'tts'] as const).map((role) => `${role} ${components[role]?.device}`).join(', ')}; answer path ${settings.answerPath}; prompt budget ${settings.maxPromptTokens} tokens`;
    });
    // The first sample of each worker starts watching its wasm memories grow.
    for (const target of await TargetMemory.attachAll(await browser.newBrowserCDPSession())) await target.sample();
    await page.getByTestId('talk').click();
    const startMs = Date.now();

    const browserSession = await browser.newBrowserCDPSession();
    const samples: Sample[] = [];
    let lastAnswered = 0;
    let lastProgressMs = Date.now();
    let stalled: string | null = null;
    sampling: for (let mark = every; mark <= turns; mark += every) {
      let progress: Progress;
      for (;;) {
        progress = await page.evaluate(() => {
          const turns = window.__es4r!.getState().dialogue.turns;
          const replies = turns.filter((turn) => turn.kind === 'assistant' && !turn.streaming);
          return {
            answered: replies.filter((turn) => turn.kind === 'assistant' && turn.text.length > 0 && !turn.failed).length,
            interrupted: replies.filter((turn) => turn.kind === 'assistant' && turn.interrupted).length,
            failed: replies.filter((turn) => turn.kind === 'assistant' && turn.failed).length,
            userTurns: turns.filter((turn) => turn.kind === 'user').length,
            prompt: replies.flatMap((turn) => (turn.kind === 'assistant' && turn.prompt ? [turn.prompt] : [])).at(-1) ?? null,
          };
        });
        if (progress.answered !== lastAnswered) {
          lastAnswered = progress.answered;
          lastProgressMs = Date.now();
        }
        if (progress.answered >= mark) break;
        if (Date.now() - lastProgressMs > STALL_MS) {
          stalled = `no turn answered for ${STALL_MS / 1000} s after ${progress.answered} answers (${progress.interrupted} interrupted, ${progress.userTurns} user turns)`;
          break sampling;
        }
        await page.waitForTimeout(500);
      }
      // Workers may have been replaced since the last sample: attach afresh each time.
      const targets = await TargetMemory.attachAll(browserSession);
      const bySource = new Map<string, number>();
      for (const target of targets) {
        const sample = await target.sample();
        bySource.set(`${target.label} JS heap`, sample.jsHeapBytes);
        bySource.set(`${target.label} buffers`, sample.arrayBufferBytes);
        if (sample.wasmMemoryBytes > 0) bySource.set(`${target.label} wasm`, sample.wasmMemoryBytes);
      }
      // After every target's GC: what remains resident is live, wasm heaps and GPU buffers included.
      const processes = await processMemory(browserSession);
      bySource.set('renderer process RSS', processes.rendererBytes);
      bySource.set('GPU process RSS', processes.gpuBytes);
      bySource.set('wasm memories size', processes.wasmMemoryBytes);
      samples.push({ turn: mark, bySource });
      const prompt = progress.prompt ? `, latest ${describePrompt(progress.prompt)}` : '';
      console.error(`turn ${mark}: ${progress.answered} answered (${progress.interrupted} interrupted by the next turn, ${progress.failed} failed), ${progress.userTurns} user turns${prompt}, ${((Date.now() - startMs) / 1000).toFixed(0)} s`);
    }
    // A stuck session still shows the memory sampled up to then.
    const talk = pauseS > 0 ? `one sentence then ${pauseS} s of silence, looped` : 'the rising dialogue, looped';
    if (samples.length > 0) report(samples, `${devices}; ${talk}`, (Date.now() - startMs) / 1000, every);
    if (stalled) throw new Error(`the session stalled: ${stalled}`);
  } finally {
    await browser.close();
    await server?.close();
  }
}

type Sample = { turn: number; bySource: Map<string, number> };

/** The sentence fixture followed by `pauseS` seconds of silence, written with sox to a temporary file. */
function sentenceWithPause(pauseS: number): string {
  if (!existsSync(SENTENCE_FIXTURE)) throw new Error(`${SENTENCE_FIXTURE} is missing: run 'npm run fixtures'`);
  const path = join(mkdtempSync(join(tmpdir(), 'es4r-soak-')), `sentence-pause-${pauseS}s-48k.wav`);
  execFileSync('sox', [SENTENCE_FIXTURE, path, 'pad', '0', String(pauseS)]);
  return path;
}

function report(samples: Sample[], devices: string, seconds: number, every: number): void {
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const sources = [...new Set(samples.flatMap((sample) => [...sample.bySource.keys()]))].sort();
  console.log(`tiny pack in headless Chromium (${devices}); ${last.turn} answered turns in ${seconds.toFixed(0)} s; MB after a forced GC, sampled every ${every} turns`);
  console.log(`${'source'.padEnd(24)}${samples.map((sample) => `turn ${sample.turn}`.padStart(10)).join('')}${`${first.turn}->${last.turn}`.padStart(11)}`);
  const unbounded: string[] = [];
  for (const source of sources) {
    const values = samples.map((sample) => sample.bySource.get(source));
    const from = first.bySource.get(source);
    const to = last.bySource.get(source);
    const growth = from !== undefined && to !== undefined ? to - from : undefined;
    let late = '';
    // Process-level sources: RSS swings with start-up transients, wasm memories only grow, so the late trend decides.
    if (source.endsWith('RSS') || source.startsWith('wasm') || source.endsWith(' wasm')) {
      const points = samples.flatMap((sample) => (sample.bySource.has(source) ? [{ turn: sample.turn, bytes: sample.bySource.get(source)! }] : []));
      if (points.length >= 2) {
        const latePoints = lateHalf(points);
        const projected = slopePerTurn(latePoints) * (last.turn - first.turn);
        const lateMean = latePoints.reduce((sum, point) => sum + point.bytes, 0) / latePoints.length;
        late = `late slope x run ${signedMb(projected)}`;
        if (projected > RSS_GROWTH_LIMIT * lateMean) unbounded.push(`${source} ${late} MB (> ${mb(RSS_GROWTH_LIMIT * lateMean)} MB)`);
      }
    } else if (growth !== undefined && growth > GROWTH_LIMIT_BYTES) unbounded.push(`${source} ${signedMb(growth)} MB`);
    console.log(`${source.padEnd(24)}${values.map((value) => (value === undefined ? '-' : mb(value)).padStart(10)).join('')}${(growth === undefined ? '-' : signedMb(growth)).padStart(11)}  ${late}`.trimEnd());
  }
  const limit = `growth from turn ${first.turn} to ${last.turn} <= ${mb(GROWTH_LIMIT_BYTES)} MB per page or worker; per process, the least-squares slope from turn ${last.turn / 2} on, times ${last.turn - first.turn} turns, <= ${RSS_GROWTH_LIMIT * 100} % of its mean there`;
  console.log(unbounded.length === 0 ? `verdict: bounded (${limit})` : `verdict: NOT bounded (${limit}): ${unbounded.join('; ')}`);
  if (unbounded.length > 0) process.exitCode = 1;
}

await runCli('bench:soak', () => main(soakOptions()));
