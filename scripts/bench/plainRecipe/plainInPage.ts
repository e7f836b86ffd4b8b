// The plain recipe in headless Chromium: its bench page (page/index.html, served by the same Vite dev server as the app,
// in no build) in a fresh context, fed the bench's recording from the server; its turns as the page's worker timed them.
import type { Browser } from '@playwright/test';
import { relative, sep } from 'node:path';
import type { Pack } from '../../../src/models/manifest';
import type { TurnAudio } from '../turnBudget/turnAudio';
import type { TurnResult } from '../turnBudget/turnResult';
import { processMemory } from '../processMemory';
import type { PlainPageRequest, PlainPageRun } from './page/plainPageProtocol';

export interface PlainInPageOptions {
  /** The dev server's origin, ending in '/'. */
  baseUrl: string;
  /** The dev server's root: the page and the recording are served from paths under it. */
  serverRoot: string;
  pack: string;
  components: Pack['components'];
  device: 'wasm' | 'webgpu';
  wasmThreads: number;
  replyTokens: number;
  audio: TurnAudio;
  /** For the models' load and warm-up, and for each turn's answer. */
  loadTimeoutMs: number;
  turnTimeoutMs: number;
  log: (line: string) => void;
}

export interface PlainInPage {
  turns: TurnResult[];
  loadMs: number | null;
  /** The renderers' resident memory and wasm memories once the run is done (the context of ours must be closed by then). */
  peakMemoryMb: { rendererRss: number; wasmMemories: number };
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** The URL path of a file under the server's root. */
function servedPath(serverRoot: string, file: string): string {
  const path = relative(serverRoot, file);
  if (path.startsWith('..')) throw new Error(`${file} is outside the dev server's root ${serverRoot}: the page cannot fetch it`);
  return `/${path.split(sep).join('/')}`;
}

export async function plainInPage(browser: Browser, options: PlainInPageOptions): Promise<PlainInPage> {
  const { baseUrl, serverRoot, pack, components, device, wasmThreads, replyTokens, audio, log } = options;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => log(`plain page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.text().startsWith('plain page: ')) log(message.text());
    });
    await page.goto(new URL(servedPath(serverRoot, `${import.meta.dirname}/page/index.html`), baseUrl).href);
    await page.waitForFunction(() => window.__plainRecipeStart !== undefined);
    const request: PlainPageRequest = {
      pack,
      components,
      device,
      wasmThreads,
      replyTokens,
      recordingUrl: servedPath(serverRoot, audio.wavPath),
      turns: audio.turns.map(({ voicedStartMs, voicedEndMs }) => ({ voicedStartMs, voicedEndMs })),
    };
    await page.evaluate((started) => window.__plainRecipeStart!(started), request);
    const timeoutMs = options.loadTimeoutMs + audio.turns.length * options.turnTimeoutMs;
    await page.waitForFunction(() => window.__plainRecipeRun!.done || window.__plainRecipeRun!.error !== null, null, { timeout: timeoutMs, polling: 250 });
    const run = (await page.evaluate(() => window.__plainRecipeRun!)) as PlainPageRun;
    if (run.error) throw new Error(`the plain recipe failed in the page: ${run.error}`);
    const memory = await processMemory(await browser.newBrowserCDPSession());
    return {
      turns: run.turns.filter((turn): turn is TurnResult => turn !== null),
      loadMs: run.loadMs,
      peakMemoryMb: { rendererRss: mb(memory.rendererBytes), wasmMemories: mb(memory.wasmMemoryBytes) },
    };
  } finally {
    await context.close();
  }
}
