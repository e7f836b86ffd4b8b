import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { DIALOGUE_TIMEOUT_MS, FIXTURE_TURN_COUNT, ListenPage } from './pages/listenPage';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-falling-48k.wav')) });

test('a dialogue whose energy falls is cut into three turns of falling energy and implies comfort', async ({ page }) => {
  const listen = new ListenPage(page);
  await listen.open();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await listen.talk.click();
  await expect(listen.micStatus).toHaveAttribute('data-status', 'listening');
  await expect(listen.turnRows).toHaveCount(FIXTURE_TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
  const energiesDb = await listen.turnEnergiesDb();
  expect(energiesDb[0]!).toBeGreaterThan(energiesDb[1]!);
  expect(energiesDb[1]!).toBeGreaterThan(energiesDb[2]!);
  await expect(listen.strategy).toHaveAttribute('data-strategy', 'comfort');
  await expect(listen.delta).toContainText('dB');
  // The fake microphone falls silent after the file: stopping must not invent a turn.
  await listen.talk.click();
  await expect(listen.micStatus).toHaveAttribute('data-status', 'idle');
  await expect(listen.turnRows).toHaveCount(FIXTURE_TURN_COUNT);
});
