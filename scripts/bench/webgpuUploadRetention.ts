// How much shared memory Chromium keeps after a page uploads data to WebGPU buffers, by upload pattern.
// `npx tsx scripts/bench/webgpuUploadRetention.ts`. onnxruntime-web uploads each external weight through a mapped
// staging buffer of its own, back to back, with no wait in between (the first two rows). Each row is a fresh headless
// Chromium (SwiftShader) whose worker uploads TOTAL_MB into storage buffers.
import { createServer } from 'node:http';
import { chromium } from '@playwright/test';
import { BASE_CHROMIUM_ARGS, chromiumPath, WEBGPU_ARGS } from '../../e2e/support/chromium';
import { processesNow } from './firstVisitMemory';

const TOTAL_MB = 400;
/** Long enough for any deferred release to show. */
const SETTLE_MS = 3000;

interface Pattern {
  name: string;
  chunkMb: number;
  via: 'staging' | 'writeBuffer';
  waitEach: boolean;
}

const PATTERNS: Pattern[] = [
  { name: '100 MB staging buffers, back to back', chunkMb: 100, via: 'staging', waitEach: false },
  { name: '4 MB staging buffers, back to back', chunkMb: 4, via: 'staging', waitEach: false },
  { name: '100 MB writeBuffer calls, back to back', chunkMb: 100, via: 'writeBuffer', waitEach: false },
  { name: '100 MB staging buffers, each awaited', chunkMb: 100, via: 'staging', waitEach: true },
  { name: '4 MB staging buffers, each awaited', chunkMb: 4, via: 'staging', waitEach: true },
  { name: '4 MB writeBuffer calls, each awaited', chunkMb: 4, via: 'writeBuffer', waitEach: true },
];

const WORKER = `onmessage = async ({ data: { totalMb, chunkMb, via, waitEach } }) => {
  try {
    const adapter = await navigator.gpu.requestAdapter();
    const device = await adapter.requestDevice({ requiredLimits: { maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize } });
    const bytes = chunkMb * 1048576;
    const source = new Uint8Array(bytes).fill(7);
    self.kept = [];
    for (let done = 0; done < totalMb * 1048576; done += bytes) {
      const target = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      self.kept.push(target);
      if (via === 'staging') {
        const staging = device.createBuffer({ mappedAtCreation: true, size: bytes, usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC });
        new Uint8Array(staging.getMappedRange()).set(source);
        staging.unmap();
        const encoder = device.createCommandEncoder();
        encoder.copyBufferToBuffer(staging, 0, target, 0, bytes);
        device.queue.submit([encoder.finish()]);
        staging.destroy();
      } else device.queue.writeBuffer(target, 0, source);
      if (waitEach) await device.queue.onSubmittedWorkDone();
    }
    await device.queue.onSubmittedWorkDone();
    postMessage('uploaded');
  } catch (error) {
    postMessage('failed: ' + error);
  }
};`;

async function measure(pattern: Pattern, url: string): Promise<string> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...BASE_CHROMIUM_ARGS, ...WEBGPU_ARGS] });
  try {
    const browserSession = await browser.newBrowserCDPSession();
    const page = await browser.newPage();
    await page.goto(url);
    const answer = await page.evaluate(
      ({ source, args }) =>
        new Promise<string>((resolve) => {
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
          worker.onmessage = ({ data }) => resolve(String(data));
          worker.onerror = (event) => resolve(`failed: ${event.message}`);
          worker.postMessage(args);
        }),
      { source: WORKER, args: { totalMb: TOTAL_MB, chunkMb: pattern.chunkMb, via: pattern.via, waitEach: pattern.waitEach } },
    );
    if (answer !== 'uploaded') throw new Error(`${pattern.name}: ${answer}`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const sharedMb = async (type: 'renderer' | 'GPU') => ((await processesNow(browserSession, type)).sharedMemoryBytes / 1e6).toFixed(0);
    return `| ${pattern.name} | ${await sharedMb('renderer')} | ${await sharedMb('GPU')} |`;
  } finally {
    await browser.close();
  }
}

// WebGPU needs a secure context: a page served from 127.0.0.1, not about:blank.
const server = createServer((_, response) => {
  response.setHeader('content-type', 'text/html');
  response.end('<!doctype html><title>upload retention</title>');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
try {
  console.log(`${TOTAL_MB} MB uploaded to WebGPU storage buffers in a worker; shared memory (Pss) ${SETTLE_MS / 1000} s later`);
  console.log('| upload | renderers (MB) | GPU process (MB) |');
  console.log('| --- | --- | --- |');
  for (const pattern of PATTERNS) console.log(await measure(pattern, url));
} finally {
  server.close();
}
