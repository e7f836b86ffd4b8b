// `npm run bench:first-visit -- [--packs tiny,scale-lite] [--devices webgpu,wasm] [--port 5461] [--dist dist] [--models public/models]`:
// a first visit to the built app in headless Chromium, per pack and device: a fresh browser and on-disk profile, the pack
// chosen through the settings seed the e2e suite uses, WebGPU on SwiftShader with its self-checks (devicePreference
// auto) or wasm alone. Prints the time from opening the page to every model ready (and to the pack kept offline),
// the peak memory of the page, its workers and the GPU process, and that peak against the size of the files that run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { BASE_CHROMIUM_ARGS, chromiumPath, WEBGPU_ARGS } from '../../e2e/support/chromium';
import { withSavedSettings } from '../../e2e/support/settings';
import { createDistServer } from '../serve-dist.mjs';
import { parseCliArgs, usageError } from '../cli/parseCliArgs';
import { runCli } from '../cli/runCli';
import type { Device } from '../../src/models/device/chooseDevice';
import { parseManifest, type ComponentRole } from '../../src/models/manifest';
import { ChromiumMemorySampler, processesNow, type VisitMemory } from './firstVisitMemory';
import { roleFilesBytes, runningFilesBytes } from './firstVisitFiles';
import { WorkerMemoryWatch, type TargetFigures } from './firstVisitWorkers';
import type { PssBreakdown } from './smapsBreakdown';

const USAGE = 'npm run bench:first-visit -- [--packs tiny,scale-lite] [--devices webgpu,wasm] [--port 5461] [--dist dist] [--models public/models] [--timeout-s 3600]';
/** After every model is ready the page copies the pack into Cache Storage; memory is sampled until then too. */
const OFFLINE_WAIT_MS = 300_000;
const MB = 2 ** 20;

interface ModelLine {
  role: ComponentRole;
  device: Device;
  badge: string;
  selfCheck: string;
}

interface VisitResult {
  pack: string;
  device: Device;
  readyS: number;
  offlineS: number | null;
  blankBytes: number;
  /** Peak page+workers+GPU until every model was ready, before the pack is copied for offline use. */
  peakUntilReadyBytes: number;
  memory: VisitMemory;
  filesBytes: number;
  /** Files that run per role (the worker of the same name runs them; the VAD's is the listen worker). */
  roleBytes: Partial<Record<ComponentRole, number>>;
  /** The page and each worker: peaks during the visit, live after a GC once every model was ready. */
  targets: TargetFigures[];
  /** The renderers once every model was ready, and again after that GC: what the idle workers kept as garbage. */
  renderersAtReady: PssBreakdown;
  renderersAfterCollection: PssBreakdown;
  models: ModelLine[];
}

/** Every model the panel lists is ready and the speech path has settled; a model in error ends the wait. */
async function waitForModels(page: Page, timeoutMs: number): Promise<void> {
  const handle = await page.waitForFunction(
    () => {
      const items = [...document.querySelectorAll<HTMLElement>('li[data-testid^="model-"]')];
      const failed = items.find((item) => item.dataset.status === 'error');
      if (failed) return { failed: `${failed.dataset.testid}: ${failed.textContent}` };
      const speechPath = document.querySelector<HTMLElement>('[data-testid="speech-path"]')?.dataset.status;
      const settled = speechPath !== undefined && speechPath !== 'loading';
      return items.length > 0 && items.every((item) => item.dataset.status === 'ready') && settled ? { failed: null } : null;
    },
    null,
    { timeout: timeoutMs, polling: 100 },
  );
  const { failed } = (await handle.jsonValue()) as { failed: string | null };
  if (failed) throw new Error(`a model failed to load: ${failed}`);
}

async function readModels(page: Page): Promise<ModelLine[]> {
  return page.$$eval('li[data-testid^="model-"]', (items) =>
    items.map((item) => {
      const role = item.getAttribute('data-testid')!.slice('model-'.length);
      const check = item.querySelector(`[data-testid="model-${role}-selfcheck"]`);
      return { role, device: item.getAttribute('data-device'), badge: item.querySelector('.badge')?.textContent ?? '', selfCheck: check?.textContent ?? 'no self-check' };
    }),
  ) as Promise<ModelLine[]>;
}

/** What a visit runs in: a fresh on-disk profile, and a DevTools connection to the same browser for its process-wide figures. */
interface VisitBrowser {
  context: BrowserContext;
  devTools: Browser;
  close(): Promise<void>;
}

/**
 * A profile on disk, as a user's: an incognito context (Playwright's default) keeps Cache Storage in memory, where
 * putting a 500 MB model file fails with "Unexpected internal error", so the pack was never kept offline.
 */
async function launchVisitBrowser(device: Device): Promise<VisitBrowser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'first-visit-profile-'));
  const args = [...(device === 'webgpu' ? [...BASE_CHROMIUM_ARGS, ...WEBGPU_ARGS] : BASE_CHROMIUM_ARGS), '--remote-debugging-port=0'];
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: chromiumPath(), args });
  // A persistent context has no Browser object of its own; the port Chromium chose is in the profile.
  const port = readFileSync(join(profileDir, 'DevToolsActivePort'), 'utf8').split('\n')[0];
  const devTools = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  return {
    context,
    devTools,
    close: async () => {
      await devTools.close();
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

async function visit(url: string, pack: string, device: Device, timeoutMs: number, packOf: (pack: string) => ReturnType<typeof parseManifest>['packs'][string]): Promise<VisitResult> {
  const { context, devTools, close } = await launchVisitBrowser(device);
  try {
    const browserSession = await devTools.newBrowserCDPSession();
    const page = context.pages()[0] ?? (await context.newPage());
    // auto, not webgpu: a preference for WebGPU would skip the self-checks a first visit runs.
    await withSavedSettings(page, { pack, devicePreference: device === 'webgpu' ? 'auto' : 'wasm' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const blank = new ChromiumMemorySampler(browserSession);
    const blankBytes = (await blank.stop()).peakPageBytes;

    const sampler = new ChromiumMemorySampler(browserSession);
    const watch = new WorkerMemoryWatch(await devTools.newBrowserCDPSession());
    const startMs = performance.now();
    try {
      await page.goto(url);
      const chosen = await page.getByTestId('pack').getAttribute('data-pack', { timeout: 60_000 });
      if (chosen !== pack) throw new Error(`the page chose pack ${chosen}, not ${pack}`);
      await waitForModels(page, timeoutMs);
    } catch (error) {
      // Stopped before the browser closes, so the samplers do not fail on a closed session and hide this error.
      const memory = await sampler.stop().catch(() => null);
      await watch.stop().catch(() => null);
      const elapsedS = ((performance.now() - startMs) / 1000).toFixed(0);
      const peak = memory ? `; peak of page+workers+GPU so far ${mb(memory.peakPageBytes)} MB (renderers ${mb(memory.atPeak.rendererBytes)}, GPU ${mb(memory.atPeak.gpuBytes)})` : '';
      throw new Error(`${pack} on ${device}, after ${elapsedS} s: ${(error as Error).message}${peak}`, { cause: error });
    }
    const readyS = (performance.now() - startMs) / 1000;
    const peakUntilReadyBytes = sampler.peakPageBytesSoFar();
    const renderersAtReady = await processesNow(browserSession, 'renderer');
    const targets = await watch.stop();
    const renderersAfterCollection = await processesNow(browserSession, 'renderer');
    const offline = await page
      .locator('[data-testid="pack-offline"][data-offline="yes"]')
      .waitFor({ timeout: OFFLINE_WAIT_MS })
      .then(() => (performance.now() - startMs) / 1000)
      .catch(() => null);
    const memory = await sampler.stop();
    const models = await readModels(page);
    const shaderF16 = /shader-f16 yes/.test((await page.getByTestId('gpu').textContent().catch(() => null)) ?? '');
    const devices = Object.fromEntries(models.map((model) => [model.role, model.device]));
    const roleBytes = roleFilesBytes(packOf(pack), devices, device, shaderF16);
    return { pack, device, readyS, offlineS: offline, blankBytes, peakUntilReadyBytes, memory, filesBytes: runningFilesBytes(packOf(pack), devices, device, shaderF16), roleBytes, targets, renderersAtReady, renderersAfterCollection, models };
  } finally {
    await close();
  }
}

const mb = (bytes: number) => (bytes / MB).toFixed(0);

function describeBreakdown(name: string, b: PssBreakdown): string {
  const sizes = b.wasmMemorySizesBytes.length > 0 ? ` (memories of ${b.wasmMemorySizesBytes.map(mb).join(', ')} MB)` : '';
  return `${name}: wasm ${mb(b.wasmBytes)}${sizes}, other anonymous ${mb(b.otherAnonBytes)}, shared memory ${mb(b.sharedMemoryBytes)}, files ${mb(b.fileBytes)} MB`;
}

/** The worker that runs a role's files has the role's name; the VAD runs in the listen worker. */
const roleOfTarget = (label: string) => (label === 'listen' ? 'vad' : label) as ComponentRole;

function describeTarget(target: TargetFigures, roleBytes: Partial<Record<ComponentRole, number>>): string {
  const files = roleBytes[roleOfTarget(target.label)];
  const { peak, live } = target;
  const liveText = live ? `; live after GC at ready: JS ${mb(live.jsHeapBytes)}, buffers ${mb(live.arrayBufferBytes)}, wasm ${mb(live.wasmMemoryBytes)} MB` : '; did not answer at ready';
  return `  ${target.label}${files === undefined ? '' : ` (files ${mb(files)} MB)`}: peak JS ${mb(peak.jsHeapBytes)}, buffers ${mb(peak.arrayBufferBytes)}, wasm ${mb(peak.wasmMemoryBytes)} MB${liveText}`;
}

function report(result: VisitResult): string {
  const { memory } = result;
  return [
    `${result.pack} on ${result.device}: every model ready in ${result.readyS.toFixed(1)} s, kept offline ${result.offlineS === null ? `not within ${OFFLINE_WAIT_MS / 1000} s more` : `at ${result.offlineS.toFixed(1)} s`}`,
    `  peak Pss of page+workers+GPU until ready ${mb(result.peakUntilReadyBytes)} MB = ${(result.peakUntilReadyBytes / result.filesBytes).toFixed(2)} x the ${mb(result.filesBytes)} MB of files that run`,
    `  peak Pss of page+workers+GPU until offline ${mb(memory.peakPageBytes)} MB (renderers ${mb(memory.atPeak.rendererBytes)}, GPU ${mb(memory.atPeak.gpuBytes)}); summed VmHWM ${mb(memory.summedHighWaterBytes)} MB; all Chromium processes (Pss) ${mb(memory.peakAllBytes)} MB; blank page ${mb(result.blankBytes)} MB`,
    `  until offline: peak ${(memory.peakPageBytes / result.filesBytes).toFixed(2)} x the files, peak above the blank page ${((memory.peakPageBytes - result.blankBytes) / result.filesBytes).toFixed(2)} x`,
    `  split near the peak (Pss, MB): ${describeBreakdown('renderers', memory.breakdownAtPeak.renderer)}; ${describeBreakdown('GPU', memory.breakdownAtPeak.gpu)}`,
    `  renderers at ready (Pss, MB): ${describeBreakdown('as the visit left them', result.renderersAtReady)}; ${describeBreakdown('after a forced collection in the page and every worker', result.renderersAfterCollection)}`,
    ...result.targets.map((target) => describeTarget(target, result.roleBytes)),
    ...result.models.map((model) => `  ${model.role}: ${model.badge}; ${model.selfCheck}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseCliArgs({
    usage: USAGE,
    positionals: [],
    options: {
      packs: { type: 'string', default: 'tiny,scale-lite' },
      devices: { type: 'string', default: 'webgpu,wasm' },
      port: { type: 'string', default: '5461' },
      dist: { type: 'string', default: 'dist' },
      models: { type: 'string', default: 'public/models' },
      'timeout-s': { type: 'string', default: '3600' },
    },
  });
  const devices = values.devices.split(',');
  if (devices.some((device) => device !== 'webgpu' && device !== 'wasm')) throw usageError(USAGE, `--devices takes webgpu and wasm, got ${values.devices}`);
  const modelsDir = resolve(values.models);
  const manifest = parseManifest(JSON.parse(readFileSync(resolve(modelsDir, 'manifest.json'), 'utf8')));
  const packOf = (pack: string) => {
    const found = manifest.packs[pack];
    if (!found) throw usageError(USAGE, `no pack ${pack} in ${modelsDir}/manifest.json`);
    return found;
  };
  const packs = values.packs.split(',');
  packs.forEach(packOf);

  const server = createDistServer({ distDir: resolve(values.dist), modelsDir });
  await new Promise<void>((resolve) => server.listen(Number(values.port), '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${values.port}/`;
  try {
    for (const pack of packs) {
      for (const device of devices as Device[]) console.log(report(await visit(url, pack, device, Number(values['timeout-s']) * 1000, packOf)));
    }
  } finally {
    server.close();
  }
}

await runCli('bench:first-visit', main);
