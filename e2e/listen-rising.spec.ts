import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { DIALOGUE_TIMEOUT_MS, FIXTURE_TURN_COUNT, ListenPage } from './pages/listenPage';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-rising-48k.wav')) });

test('a dialogue whose energy rises implies encourage, and a new conversation starts empty', async ({ page }) => {
  const listen = new ListenPage(page);
  await listen.open();
  await listen.talk.click();
  await expect(listen.turnRows).toHaveCount(FIXTURE_TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(listen.strategy).toHaveAttribute('data-strategy', 'encourage');
  await listen.talk.click();
  await expect(listen.micStatus).toHaveAttribute('data-status', 'idle');
  await page.getByTestId('new-conversation').click();
  await expect(listen.turnRows).toHaveCount(0);
  await expect(listen.strategy).toHaveAttribute('data-strategy', 'neutral');
});
