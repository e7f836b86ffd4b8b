import { expect, test, type Page } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { DIALOGUE_TIMEOUT_MS, FIXTURE_TURN_COUNT, ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-rising-48k.wav')) });

/**
 * Headless Chromium keeps every page visible: neither another tab in the same window, a
 * minimised window nor Page.setWebLifecycleState changes document.visibilityState (tried). So the
 * test makes the document report itself hidden, as a background tab's does, and fires the event.
 */
async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  await page.evaluate((next) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

test('hidden mid-conversation, the page keeps listening and answering; shown again, audio the browser suspended runs again and nothing is started twice', async ({ page }) => {
  // Count what a careless visibility handler would duplicate: microphone streams and audio graphs.
  await page.addInitScript(() => {
    const counts = { getUserMedia: 0, audioContexts: 0 };
    const contexts: AudioContext[] = [];
    Object.assign(window, { __counts: counts, __contexts: contexts });
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      counts.getUserMedia++;
      return getUserMedia(constraints);
    };
    const NativeAudioContext = window.AudioContext;
    window.AudioContext = class extends NativeAudioContext {
      constructor(options?: AudioContextOptions) {
        super(options);
        counts.audioContexts++;
        contexts.push(this);
      }
    };
  });
  const counts = () => page.evaluate(() => (window as unknown as { __counts: { getUserMedia: number; audioContexts: number } }).__counts);
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  await listen.open();
  for (const role of ['asr', 'llm', 'tts'] as const) await models.expectReady(role, 'wasm');
  const replies = page.getByTestId('assistant-text');

  await listen.talk.click();
  await expect(replies).toHaveCount(1, { timeout: DIALOGUE_TIMEOUT_MS });
  const before = { ...(await counts()), workers: page.workers().length };

  // Hidden while the user keeps talking: the second turn is heard and answered all the same.
  await setVisibility(page, 'hidden');
  await expect(replies).toHaveCount(2, { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(listen.micStatus).toHaveAttribute('data-status', 'listening');

  // A browser may suspend a background tab's audio (the microphone's graph and the voice's): shown again, both run.
  const contextStates = () => page.evaluate(() => (window as unknown as { __contexts: AudioContext[] }).__contexts.map((context) => context.state));
  await page.evaluate(() => Promise.all((window as unknown as { __contexts: AudioContext[] }).__contexts.map((context) => context.suspend())));
  const suspended = await contextStates();
  expect(suspended.length).toBeGreaterThanOrEqual(2);
  expect(new Set(suspended)).toEqual(new Set(['suspended']));

  // Shown again: the third turn is answered and spoken, by the same workers, stream and audio graph.
  await setVisibility(page, 'visible');
  await expect.poll(async () => [...new Set(await contextStates())]).toEqual(['running']);
  await expect(replies).toHaveCount(FIXTURE_TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(page.getByTestId('assistant-turn').last()).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('playback-hint')).toHaveCount(0);
  expect({ ...(await counts()), workers: page.workers().length }).toEqual(before);
  expect(before.getUserMedia).toBe(1);
});
