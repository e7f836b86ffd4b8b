// Does Chromium's echo canceller remove the page's own output from the microphone, played plainly or through a local
// RTCPeerConnection loopback? A fake microphone holds the probe the page plays (as speakers would send it back);
// the echo return loss enhancement is the probe's level at the microphone with echoCancellation off over on.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { encodeWav16 } from '../../src/audio/wav/writeWav';
import { BASE_CHROMIUM_ARGS, chromiumPath } from '../../e2e/support/chromium';
import { seededRandom } from '../tinyPack/seededRandom';

const RATE_HZ = 48_000;
/** The probe starts this far into the fake microphone's file; the page starts playing it ECHO_DELAY_MS earlier. */
const PROBE_AT_MS = 1500;
const ECHO_DELAY_MS = 150;
const PROBE_MS = 6000;
/** The canceller's convergence is left out of the measurement. */
const SETTLE_MS = 2000;

/** Speech-like probe: noise shaped into 4 Hz syllables, -20 dBFS RMS. */
function probe(): Float32Array {
  const random = seededRandom(7);
  const out = new Float32Array((PROBE_MS * RATE_HZ) / 1000);
  let low = 0;
  for (let i = 0; i < out.length; i++) {
    low += 0.2 * (random() * 2 - 1 - low);
    const syllable = Math.max(0, Math.sin((2 * Math.PI * 4 * i) / RATE_HZ));
    out[i] = 0.25 * low * syllable;
  }
  return out;
}

const signal = probe();
const micFile = new Float32Array(((PROBE_AT_MS + PROBE_MS + 1000) * RATE_HZ) / 1000);
micFile.set(signal, (PROBE_AT_MS * RATE_HZ) / 1000);
const wavPath = join(tmpdir(), 'es4r-loopback-mic.wav');
writeFileSync(wavPath, encodeWav16(micFile, RATE_HZ));

const PAGE = `<!doctype html><script>
window.measure = async (probe, echoCancellation, route) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation, noiseSuppression: false, autoGainControl: false } });
  const context = new AudioContext({ sampleRate: ${RATE_HZ} });
  const mic = context.createMediaStreamSource(stream);
  const recorder = context.createScriptProcessor(4096, 1, 1);
  const chunks = [];
  recorder.onaudioprocess = (e) => chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));
  mic.connect(recorder);
  recorder.connect(context.destination);
  const buffer = context.createBuffer(1, probe.length, ${RATE_HZ});
  buffer.copyToChannel(Float32Array.from(probe), 0);
  const source = context.createBufferSource();
  source.buffer = buffer;
  let close = () => {};
  if (route === 'loopback') {
    const out = context.createMediaStreamDestination();
    source.connect(out);
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const arrived = new Promise((resolve) => (b.ontrack = (e) => resolve(e.streams[0])));
    a.addTrack(out.stream.getAudioTracks()[0], out.stream);
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    const element = new Audio();
    element.srcObject = await arrived;
    await element.play();
    close = () => { a.close(); b.close(); };
  } else {
    source.connect(context.destination);
  }
  const settings = stream.getAudioTracks()[0].getSettings();
  const openedMs = performance.now();
  await new Promise((r) => setTimeout(r, Math.max(0, ${PROBE_AT_MS - ECHO_DELAY_MS} - 300)));
  source.start();
  await new Promise((r) => setTimeout(r, ${PROBE_MS + 1000}));
  close();
  stream.getTracks().forEach((t) => t.stop());
  await context.close();
  const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return { samples: Array.from(all), applied: String(settings.echoCancellation), openedMs };
};
</script>`;

/** RMS in dBFS of the loudest PROBE_MS - SETTLE_MS of the capture after the canceller had SETTLE_MS to converge. */
function probeLevelDb(samples: number[]): number {
  const window = ((PROBE_MS - SETTLE_MS) * RATE_HZ) / 1000;
  const step = RATE_HZ / 100;
  let best = -Infinity;
  const squares = new Float64Array(samples.length + 1);
  for (let i = 0; i < samples.length; i++) squares[i + 1] = squares[i]! + samples[i]! ** 2;
  for (let start = 0; start + window <= samples.length; start += step) {
    best = Math.max(best, 10 * Math.log10((squares[start + window]! - squares[start]!) / window + 1e-20));
  }
  return best;
}

const server = createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  args: [...BASE_CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wavPath}%noloop`],
});
try {
  const cases: [string, boolean | string, 'plain' | 'loopback'][] = [
    ['off, plain', false, 'plain'],
    ['true, plain', true, 'plain'],
    ['true, loopback', true, 'loopback'],
    ["'all', plain", 'all', 'plain'],
    ["'all', loopback", 'all', 'loopback'],
    ['off, loopback', false, 'loopback'],
  ];
  const levels = new Map<string, number>();
  for (const [name, echoCancellation, route] of cases) {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const result = await page.evaluate(([p, ec, r]) => (window as unknown as { measure: (p: number[], ec: boolean | string, r: string) => Promise<{ samples: number[]; applied: string }> }).measure(p, ec, r), [Array.from(signal), echoCancellation, route] as const);
    await page.close();
    const level = probeLevelDb(result.samples);
    levels.set(name, level);
    const off = levels.get(route === 'plain' ? 'off, plain' : 'off, loopback') ?? levels.get('off, plain')!;
    console.log(`${name.padEnd(16)} applied echoCancellation=${result.applied.padEnd(6)} probe at the microphone ${level.toFixed(1)} dBFS, ERLE ${(off - level).toFixed(1)} dB`);
  }
} finally {
  await browser.close();
  server.close();
}
