import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { DIALOGUE_TIMEOUT_MS, ListenPage } from './pages/listenPage';
import { MODELS_READY_TIMEOUT_MS, ModelsPanel } from './pages/modelsPanel';
import { withSavedSettings } from './support/settings';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-falling-48k.wav')) });

test('a turn is transcribed and prefilled during the end-of-turn wait, and its reply says how much of the wait that work filled', async ({ page }) => {
  // The text path: its prompt is what the speculative prefill runs on.
  await withSavedSettings(page, { answerPath: 'text' });
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  await listen.open();
  for (const role of ['asr', 'llm', 'tts'] as const) await expect(models.model(role)).toHaveAttribute('data-status', 'ready', { timeout: MODELS_READY_TIMEOUT_MS });
  await listen.talk.click();
  // The gaps between the fixture's turns (1.5 s) outlast the 500 ms wait: every turn is confirmed as it paused.
  const handle = await page.waitForFunction(
    () => Object.values(window.__es4r!.getState().replyTimingsMs).find((timings) => timings.speculativeHiddenMs !== undefined),
    null,
    { timeout: DIALOGUE_TIMEOUT_MS, polling: 100 },
  );
  const speculated = (await handle.jsonValue()) as Record<string, number>;
  const { speculativeWaitMs, speculativeAsrMs, speculativeHiddenMs } = speculated;
  // The wait after a 200 ms pause is 300 ms of audio, but it is timed on the page's clock: audio batches that queued
  // behind a busy core reach the listener together, so the two decisions can arrive closer than 300 ms apart.
  expect(speculativeWaitMs).toBeGreaterThan(0);
  expect(speculativeAsrMs).toBeGreaterThan(0);
  expect(speculativeHiddenMs).toBeGreaterThan(0);
  expect(speculativeHiddenMs).toBeLessThanOrEqual(speculativeWaitMs!);
  await expect(page.getByTestId('user-turn').first()).not.toBeEmpty();
});
