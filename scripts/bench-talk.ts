// `npm run bench:talk [-- --runs 3] [--port 5191 | --url http://127.0.0.1:5299/]`: how long Talk takes to start listening
// in headless Chromium with a fake microphone, pressed as soon as the page has loaded (the models still loading) and once
// every model is ready; each run is a fresh browser context (empty caches), as a first visit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { BASE_CHROMIUM_ARGS, chromiumPath } from '../e2e/support/chromium';
import { measureTalkToListening, type TalkMoment, type TalkToListening } from '../e2e/support/measureTalkToListening';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';

const USAGE = 'npm run bench:talk -- [--runs 3] [--port 5191 | --url http://127.0.0.1:5299/] [--json]';
const FIXTURE = join(process.cwd(), 'e2e', 'fixtures', 'dialogue-rising-48k.wav');
const MOMENTS: readonly TalkMoment[] = ['whileLoading', 'whenReady'];

async function main(): Promise<void> {
  const { values } = parseCliArgs({
    usage: USAGE,
    positionals: [],
    options: {
      runs: { type: 'string', default: '3' },
      port: { type: 'string', default: '5191' },
      url: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const port = Number(values.port);
  if (!existsSync(FIXTURE)) throw new Error(`${FIXTURE} is missing: run 'npm run fixtures'`);
  process.env.VITE_CACHE_DIR ??= `node_modules/.vite-${port}`;
  const server = values.url ? null : await createServer({ logLevel: 'warn', server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null } });
  await server?.listen();
  const url = values.url ?? `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...BASE_CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${FIXTURE}`],
  });
  const results: TalkToListening[] = [];
  try {
    // One untimed visit first: the dev server transforms the modules on the first request, which no user waits for.
    if (!values.url) await timeOnce(browser, url, 'whenReady');
    for (let run = 0; run < runs; run++) {
      for (const moment of MOMENTS) {
        const result = await timeOnce(browser, url, moment);
        results.push(result);
        if (!values.json) console.error(`run ${run + 1} ${moment}: ${result.talkToListeningMs.toFixed(0)} ms`);
      }
    }
  } finally {
    await browser.close();
    await server?.close();
  }
  const summary = Object.fromEntries(MOMENTS.map((moment) => [moment, summarize(results.filter((result) => result.moment === moment))]));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ url, runs: results, ...summary })}\n`);
    return;
  }
  console.log(`Talk -> listening on ${url} (${runs} fresh visits each, ms)`);
  console.log('moment        median    max   VAD ready after page start (median)');
  for (const moment of MOMENTS) {
    const { medianMs, maxMs, vadReadyAtMedianMs } = summary[moment]!;
    console.log(`${moment.padEnd(12)} ${medianMs.toFixed(0).padStart(7)} ${maxMs.toFixed(0).padStart(6)}   ${vadReadyAtMedianMs === null ? '-' : vadReadyAtMedianMs.toFixed(0)}`);
  }
}

async function timeOnce(browser: Awaited<ReturnType<typeof chromium.launch>>, url: string, moment: TalkMoment): Promise<TalkToListening> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    return await measureTalkToListening(page, url, moment);
  } finally {
    await context.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summarize(results: TalkToListening[]): { medianMs: number; maxMs: number; vadReadyAtMedianMs: number | null } {
  const times = results.map((result) => result.talkToListeningMs);
  const vadReady = results.flatMap((result) => (result.vadReadyAtMs === null ? [] : [result.vadReadyAtMs]));
  return { medianMs: median(times), maxMs: Math.max(...times), vadReadyAtMedianMs: vadReady.length > 0 ? median(vadReady) : null };
}

void runCli('bench:talk', main);
