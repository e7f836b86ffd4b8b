// bench:turn in the page: the app served by Vite, headless Chromium whose fake microphone plays the bench's recording in
// real time, the benchmark setting (forced reply length, fixed spoken reply), and the page's own marks per turn.
import { chromium, type Browser } from '@playwright/test';
import { join } from 'node:path';
import { build, createServer } from 'vite';
import { createDistServer } from '../../serve-dist.mjs';
import { BASE_CHROMIUM_ARGS, chromiumPath, WEBGPU_ARGS } from '../../../e2e/support/chromium';
import type { AnswerPath } from '../../../src/conversation/dialogue';
import type { Pack } from '../../../src/models/manifest';
import type { Settings } from '../../../src/state/settingsSlice';
import { plainInPage, type PlainInPage } from '../plainRecipe/plainInPage';
import { processMemory } from '../processMemory';
import { TargetMemory } from '../targetMemory';
import { TargetCpu } from './targetCpu';
import { matchTurns } from './listenTimed';
import { PAGE_THREADS_PER_MODEL } from './nodeThreads';
import { readSession, recordMicStart, waitForModelsReady, type PageTurn } from './pageSession';
import { pressTalk } from '../../../e2e/support/measureTalkToListening';
import { ratioOf, summarize, type PlaceReport } from './placeReport';
import type { TurnAudio, TurnAudioTurn } from './turnAudio';
import { llmInnerTimings, turnStages, type TurnResult } from './turnResult';

export interface PageBenchOptions {
  pack: string;
  /** The pack's components as the manifest lists them (the plain recipe loads from them). */
  components: Pack['components'];
  device: 'wasm' | 'webgpu';
  answerPath: AnswerPath;
  replyTokens: number;
  audio: TurnAudio;
  port: number;
  /** Profile the page and every worker over our turns and log each one's busy time (costs some CPU itself). */
  profileCpu?: boolean;
  /** Which app ours runs: the production build, as users get it (built by the bench), or the dev server's modules. */
  app?: 'dist' | 'dev';
  log: (line: string) => void;
}

const MODELS_TIMEOUT_MS = 600_000;
/** After the recording has played, the last reply's first audio may take this long. */
const LAST_REPLY_MS = 120_000;
const mb = (bytes: number) => bytes / 2 ** 20;

function settingsFor({ pack, device, answerPath, replyTokens }: PageBenchOptions): Partial<Settings> {
  return { pack, answerPath, devicePreference: device === 'webgpu' ? 'webgpu' : 'wasm', benchmarkReplyTokens: replyTokens };
}

/** A fresh browser context (empty caches: a first visit) with the bench's settings saved and the microphone start noted. */
async function openPage(browser: Browser, options: PageBenchOptions) {
  const context = await browser.newContext();
  await context.addInitScript((saved) => localStorage.setItem('es4r.settings', JSON.stringify({ state: { settings: saved }, version: 1 })), settingsFor(options));
  await context.addInitScript(recordMicStart);
  const page = await context.newPage();
  page.on('pageerror', (error) => options.log(`page error: ${error.message}`));
  return { context, page };
}

/**
 * Ours' end of speech on the page's clock: the handover, less the wait from the end of speech to the decision, taken
 * within the turn on the stream's clock: decision - VAD onset - the clip's length. The page's clock, the fake
 * microphone's file and the capture's stream all drift apart (0.06-0.16 % measured), so neither the microphone's start
 * plus the file's time nor the stream's position places it over ten turns. The VAD onset comes one or two 32 ms chunks
 * after the voice begins, so the wait reads that much short; the capture's transport (a 10 ms batch) is not in it.
 */
function pageTurnResult(turn: PageTurn, spoken: TurnAudioTurn): TurnResult | string {
  const { handed, transcribed, firstText, firstClause, firstAudio, playback } = turn.marks;
  if (handed === undefined || transcribed === undefined || firstText === undefined || firstClause === undefined || firstAudio === undefined || playback === undefined || !turn.reply) {
    return `no reply audio was played (marks: ${Object.keys(turn.marks).join(', ') || 'none'}; transcript "${turn.transcript}")`;
  }
  if (turn.decidedAtMs === null) return 'the page kept no summary of the turn, so its end-of-turn decision is unknown';
  const { totalMs, stagesMs } = turnStages(
    { speechEndAtMs: handed - (turn.decidedAtMs - turn.startMs - (spoken.voicedEndMs - spoken.voicedStartMs)), handedAtMs: handed, transcribedAtMs: transcribed, firstTextAtMs: firstText, firstClauseAtMs: firstClause, firstAudioAtMs: firstAudio, playbackAtMs: playback },
    {
      asrEncoderMs: (turn.asrTimingsMs.features ?? 0) + (turn.asrTimingsMs.encoder ?? 0),
      asrDecodingMs: turn.asrTimingsMs.decoder ?? 0,
      ...llmInnerTimings(turn.reply.timingsMs),
      ttsTextMs: turn.reply.timingsMs.ttsText,
      ttsModelMs: turn.reply.timingsMs.ttsModel,
    },
  );
  return { endOfSpeechToFirstAudioMs: totalMs, stagesMs, promptTokens: turn.reply.promptTokens, prefilledTokens: turn.reply.prefilledTokens, asrTokens: null, replyWords: null, speculativeHiddenMs: turn.reply.timingsMs.speculativeHiddenMs ?? null };
}

/** The plain recipe in its own bench page once ours is done; null (logged) if it failed, so ours is still reported. */
async function plainAfterOurs(browser: Browser, baseUrl: string, serverRoot: string, { pack, components, device, replyTokens, audio, log }: PageBenchOptions): Promise<PlainInPage | null> {
  log('page: the plain recipe in its own page, over the recording');
  try {
    return await plainInPage(browser, { baseUrl, serverRoot, pack, components, device, wasmThreads: PAGE_THREADS_PER_MODEL, replyTokens, audio, loadTimeoutMs: MODELS_TIMEOUT_MS, turnTimeoutMs: LAST_REPLY_MS, log });
  } catch (error) {
    log(`page: the plain recipe failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** Builds the app as `npm run build` does, into a folder of the bench's own (dist/ may be stale or in use), and serves it with the models. */
async function serveBuiltApp(port: number, log: (line: string) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const distDir = join(process.cwd(), 'node_modules', `.bench-turn-dist-${port}`);
  log('page: building the app (vite build)');
  // As `npm run build` runs it: a NODE_ENV left at development (by a dev server, say) would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ mode: 'production', logLevel: 'warn', build: { outDir: distDir, emptyOutDir: true } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const server = createDistServer({ distDir, modelsDir: join(process.cwd(), 'public', 'models') }, log);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function benchInPage(options: PageBenchOptions): Promise<PlaceReport> {
  const { pack, device, answerPath, replyTokens, audio, port, log } = options;
  process.env.VITE_CACHE_DIR ??= `node_modules/.vite-${port}`;
  // No file watching and no HMR: an edit elsewhere in the tree must not reload the page mid-session.
  const built = options.app === 'dev' ? null : await serveBuiltApp(port + 1, log);
  const server = await createServer({ logLevel: 'warn', server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null } });
  await server.listen();
  const url = built?.url ?? `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...BASE_CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${audio.wavPath}%noloop`, ...(device === 'webgpu' ? WEBGPU_ARGS : [])],
  });
  try {
    // One untimed visit first: the dev server compiles the modules on their first request, which no user waits for.
    const warm = await openPage(browser, options);
    await warm.page.goto(url);
    await waitForModelsReady(warm.page, MODELS_TIMEOUT_MS);
    await warm.context.close();

    const { context, page } = await openPage(browser, options);
    await page.goto(url);
    const firstVisitMs = await waitForModelsReady(page, MODELS_TIMEOUT_MS);
    log(`page: first visit ready in ${firstVisitMs.toFixed(0)} ms`);
    // Pressed before DevTools attaches to every worker: attaching and the first samples held Talk up (690 ms against 184 ms).
    const talkToListeningMs = await pressTalk(page);
    const cdp = await browser.newBrowserCDPSession();
    // The first sample of each target starts watching its wasm memories grow.
    for (const target of await TargetMemory.attachAll(cdp)) await target.sample();
    const cpu = options.profileCpu ? await TargetCpu.start(cdp) : null;
    const recordingMs = (audio.samples.length / audio.sampleRateHz) * 1000;
    log(`page: Talk -> listening ${talkToListeningMs.toFixed(0)} ms; the microphone plays ${(recordingMs / 1000).toFixed(0)} s of turns`);
    await page.waitForTimeout(recordingMs);
    // Then until every spoken turn's reply has started playing, or the last one had its time.
    const expected = audio.turns.length;
    await page
      .waitForFunction((n) => window.__es4r!.turnMarks().filter((marks) => marks.playback !== undefined).length >= n, expected, { timeout: LAST_REPLY_MS, polling: 250 })
      .catch(() => log(`page: not every turn's reply played within ${LAST_REPLY_MS / 1000} s after the recording`));
    // A worker busy in wasm answers no DevTools request (the memory sample's GC): let the last reply finish first.
    await page
      .waitForFunction(() => !window.__es4r!.getState().dialogue.turns.some((turn) => turn.kind === 'assistant' && turn.streaming), null, { timeout: LAST_REPLY_MS, polling: 250 })
      .catch(() => log('page: the last reply was still being written; memory is sampled anyway'));
    if (cpu) {
      for (const { label, busyMs, top } of await cpu.stop()) {
        log(`page cpu: ${label} busy ${(busyMs / 1000).toFixed(1)} s; ${top.map(({ name, selfMs }) => `${name} ${(selfMs / 1000).toFixed(1)} s`).join(', ')}`);
      }
    }
    const session = await readSession(page);
    if (session.notice) log(`page: the app says: ${session.notice}`);

    const peakMemoryMb: Record<string, number> = {};
    for (const target of await TargetMemory.attachAll(cdp)) {
      const sample = await target.sample().catch((error: unknown) => log(`page: no memory sample of ${target.label}: ${String(error)}`));
      if (!sample) continue;
      peakMemoryMb[`${target.label} JS heap`] = mb(sample.jsHeapBytes);
      if (sample.wasmMemoryBytes > 0) peakMemoryMb[`${target.label} wasm`] = mb(sample.wasmMemoryBytes);
    }
    const processes = await processMemory(cdp);
    peakMemoryMb['renderer RSS'] = mb(processes.rendererBytes);
    peakMemoryMb['GPU process RSS'] = mb(processes.gpuBytes);
    peakMemoryMb['wasm memories'] = mb(processes.wasmMemoryBytes);
    await context.close();

    if (session.micStartedAtMs === null) throw new Error('the page never opened the microphone');
    // A turn begun before the previous reply is heard does not silence it (nothing plays yet to barge in on): both
    // replies then queue in the player, and the later one's first audio waits for the whole earlier one.
    session.turns.forEach((turn, k) => {
      const previous = session.turns[k - 1]?.marks.playback;
      if (k > 0 && (previous === undefined || session.micStartedAtMs! + turn.startMs < previous)) {
        log(`page: turn ${k + 1} began before reply ${k} was heard, so its reply may queue behind that one: raise --gap-s`);
      }
    });
    const matched = matchTurns(audio.turns, session.turns);
    const turns: TurnResult[] = [];
    matched.forEach((index, spoken) => {
      const turn = session.turns[index];
      const result = turn ? pageTurnResult(turn, audio.turns[spoken]!) : 'the page heard no turn there';
      if (typeof result === 'string') log(`page turn ${spoken + 1}: ${result}; not timed`);
      else {
        turns.push(result);
        log(`page turn ${spoken + 1}: ${result.endOfSpeechToFirstAudioMs.toFixed(0)} ms to first audio`);
      }
    });
    // The plain recipe's bench page is served by the dev server: it is in no build.
    const plain = await plainAfterOurs(browser, `http://127.0.0.1:${port}/`, server.config.root, options);
    const plainSummary = plain ? { ...summarize(plain.turns), turns: plain.turns } : null;
    const summary = summarize(turns);
    return {
      pack,
      device,
      where: 'page',
      answerPath,
      replyTokens,
      turns,
      ...summary,
      talkToListeningMs,
      loadMs: {
        firstVisit: firstVisitMs,
        ...Object.fromEntries(Object.entries(session.componentLoadMs).map(([role, ms]) => [`${role} load`, ms])),
        ...(plain?.loadMs != null ? { 'plain load': plain.loadMs } : {}),
      },
      peakMemoryMb: { ...peakMemoryMb, ...(plain ? { 'plain renderer RSS': plain.peakMemoryMb.rendererRss, 'plain wasm memories': plain.peakMemoryMb.wasmMemories } : {}) },
      plain: plainSummary,
      ratioP50: ratioOf(summary, plainSummary),
      notes: [
        `headless Chromium through the fake microphone in real time; first audio is when the player starts it (playbackStart); ours runs ${built ? 'the production build (vite build)' : "the dev server's modules (--app dev)"}`,
        "ours' end-of-turn wait is stream time within the turn (decision - VAD onset - the clip's length; one or two VAD chunks short), as the plain recipe's is stream time; the rest wall time: the page's, the file's and the stream's clocks drift apart",
        'memory after the session and a forced GC per target; wasm heaps never shrink, so theirs is the peak; plain*: its page\'s renderer after its run, ours closed',
        plain
          ? `the plain recipe ran in the page after ours, not interleaved: a fresh context, one module worker (transformers.js on onnxruntime-web, ${device === 'webgpu' ? 'WebGPU' : `wasm with ${PAGE_THREADS_PER_MODEL} threads`}), as the demo runs it`
          : 'the plain recipe did not run in the page (see the log): no ratio',
        'the plain recipe hears the recording from the file, its VAD offline as in Node, not through the fake microphone: its end-of-turn wait is stream time, the rest wall time; its first audio is its first sentence synthesized (it plays nothing)',
      ],
    };
  } finally {
    await browser.close();
    await server.close();
    await built?.close();
  }
}
