import { expect, test, type BrowserContext } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { assertAppBuilt, BUILT_APP_URL } from './support/builtApp';
import { DIALOGUE_TIMEOUT_MS, FIXTURE_TURN_COUNT, ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';
import { contentSecurityPolicy, CSP_REPORT_PATH } from '../src/privacy/securityHeaders.mjs';

// The built app as `npm run serve` serves it: its service worker, its headers, its bundles.
test.use({ baseURL: BUILT_APP_URL, launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-rising-48k.wav')) });
test.beforeAll(assertAppBuilt);

const APP_ORIGIN = new URL(BUILT_APP_URL).origin;

interface RecordedRequest {
  url: string;
  from: 'service worker' | 'page or worker';
  /** For the policy's violation reports: what was blocked. */
  blockedUri?: string;
}

/**
 * Every request of the browser context: the page, its dedicated workers and worklets (Playwright reports theirs with
 * the page's), and the service worker (request.serviceWorker()). A request the policy refuses never reaches the
 * network, but the browser posts a violation report for it, from the page or the worker that tried, to the app's own
 * /csp-report: those are recorded with what they say was blocked.
 */
function recordRequests(context: BrowserContext): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  context.on('request', (request) => {
    const recorded: RecordedRequest = { url: request.url(), from: request.serviceWorker() ? 'service worker' : 'page or worker' };
    if (new URL(request.url()).pathname === CSP_REPORT_PATH) recorded.blockedUri = JSON.parse(request.postData() ?? '{}')['csp-report']?.['blocked-uri'];
    requests.push(recorded);
  });
  return requests;
}

/** A blob: URL names bytes the page already holds; its origin is the page's. Everything else must be the app's origin. */
function leavesTheApp(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:') return false;
  if (parsed.protocol === 'blob:') return new URL(parsed.pathname).origin !== APP_ORIGIN;
  return parsed.origin !== APP_ORIGIN;
}

test('a whole spoken conversation (load, models, three turns, spoken replies) makes no request to another origin', async ({ page, context }) => {
  const requests = recordRequests(context);
  const webSockets: string[] = [];
  page.on('websocket', (socket) => webSockets.push(socket.url()));
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  await listen.open();
  for (const role of ['asr', 'llm', 'tts'] as const) await models.expectReady(role, 'wasm');
  await expect(page.getByTestId('on-device')).toHaveAttribute('data-shell', 'ready');
  await page.evaluate(() => window.__es4r!.startOutputCapture());
  await listen.talk.click();
  await expect(page.getByTestId('user-turn')).toHaveCount(FIXTURE_TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(page.getByTestId('assistant-text')).toHaveCount(FIXTURE_TURN_COUNT);
  await expect(page.getByTestId('assistant-turn').last()).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('spoken')).toBeVisible();
  await expect(page.getByTestId('spoken')).toHaveCount(0, { timeout: 20_000 });
  const output = await page.evaluate(() => window.__es4r!.stopOutputCapture());
  expect(output.audibleSamples / output.outputRateHz).toBeGreaterThan(1);

  expect(requests.filter((request) => leavesTheApp(request.url))).toEqual([]);
  // Nor was one attempted and refused, in the page or in any worker ("eval" and "inline" refusals are no requests).
  expect(requests.filter((request) => request.blockedUri && /^(https?|wss?):/.test(request.blockedUri) && leavesTheApp(request.blockedUri))).toEqual([]);
  expect(webSockets).toEqual([]);
  // The recorder sees every kind of requester: the page, each model worker, the listen worker, a worklet, the service worker.
  const paths = (from?: RecordedRequest['from']) => requests.filter((r) => !from || r.from === from).map((r) => r.url.startsWith('blob:') ? 'blob:' : new URL(r.url).pathname);
  expect(paths('page or worker')).toContain('/');
  expect(paths('page or worker')).toEqual(expect.arrayContaining(['/models/tiny/whisper/onnx/encoder_model.onnx', '/models/tiny/llm/onnx/model.onnx', '/models/tiny/kokoro/onnx/model.onnx', '/models/vad/silero_vad_v5.onnx']));
  expect(paths().some((path) => /^\/assets\/features\.worklet-.+\.js$/.test(path))).toBe(true);
  expect(paths('service worker')).toContain('/index.html');
  // Plausible totals for the tiny pack: every file of the shell and of the pack, some twice (page and service worker).
  const refusals = requests.filter((request) => request.blockedUri !== undefined).map((request) => request.blockedUri);
  console.log(`privacy: ${requests.length} requests (${paths('service worker').length} by the service worker), none to another origin; refused: ${refusals.join(', ') || 'nothing'}`);
  expect(requests.length).toBeGreaterThan(60);
  expect(requests.length).toBeLessThan(2000);
  await expect(page.getByTestId('on-device')).toHaveAttribute('data-foreign-requests', '0');
});

test('the policy blocks requests to other origins, the browser reports each refusal, and the on-device indicator counts them', async ({ page, context }) => {
  const requests = recordRequests(context);
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy());
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  await expect(page.getByTestId('on-device')).toHaveAttribute('data-foreign-requests', '0');
  // 127.0.0.1 on another port is another origin, and nothing listens on the discard port: nothing can leave the machine.
  const elsewhere = 'http://127.0.0.1:9/collect';
  const verdict = await page.evaluate(async (url) => {
    const violations: { blockedURI: string; directive: string }[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push({ blockedURI: event.blockedURI, directive: event.effectiveDirective }));
    const fetched = await fetch(url, { method: 'POST', body: 'transcript' }).then(() => 'sent', (error: unknown) => String(error));
    const image = document.createElement('img');
    image.src = `${url}.png`;
    document.body.append(image);
    const inline = document.createElement('script');
    inline.textContent = 'window.inlineRan = true';
    document.head.append(inline);
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { fetched, violations, inlineRan: 'inlineRan' in window };
  }, elsewhere);
  expect(verdict.fetched).toContain('TypeError');
  expect(verdict.inlineRan).toBe(false);
  expect(verdict.violations).toEqual(
    expect.arrayContaining([
      { blockedURI: elsewhere, directive: 'connect-src' },
      { blockedURI: `${elsewhere}.png`, directive: 'img-src' },
      { blockedURI: 'inline', directive: 'script-src-elem' },
    ]),
  );
  // The browser reported both refusals to the app's server, so the conversation test would see an attempt the policy stopped.
  await expect.poll(() => requests.map((request) => request.blockedUri)).toEqual(expect.arrayContaining([elsewhere, `${elsewhere}.png`]));
  // Two requests to another origin were blocked; the inline script was no request.
  await expect(page.getByTestId('on-device')).toHaveAttribute('data-foreign-requests', '2');
  await expect(page.getByTestId('on-device')).toContainText('2 requests to other servers');
});

test('the dev server sends the same policy plus the hash of its one inline script, and the page runs under it', async ({ page }) => {
  await page.addInitScript(() => {
    const violations: string[] = [];
    Object.assign(window, { violations });
    document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}`));
  });
  // The config's own baseURL: the Vite dev server.
  const response = await page.goto(test.info().project.use.baseURL!);
  const policy = response?.headers()['content-security-policy'] ?? '';
  const preambleHash = /'(sha256-[A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
  expect(preambleHash).toBeDefined();
  expect(policy).toBe(contentSecurityPolicy({ inlineScriptHashes: [preambleHash!], inlineStyles: true }));
  // React refresh's inline preamble ran (else the app would not render) and nothing was blocked but zod's probe:
  // it tries `new Function` once to decide whether to compile its parsers, and parses without when refused.
  await expect(page.getByTestId('talk')).toBeEnabled();
  await expect(page.getByTestId('on-device')).toHaveAttribute('data-foreign-requests', '0');
  const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
  expect(violations.filter((violation) => !/^script-src eval \S*zod/.test(violation))).toEqual([]);
});
