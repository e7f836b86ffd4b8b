import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { talkThroughSpeakers } from './support/speakers';

// The second sentence starts 2.2 s after the first ends, while the reply to the first is being spoken.
test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('barge-in-48k.wav')) });

test('through speakers the user still barges in: the reply stops and is marked interrupted', async ({ page }) => {
  test.setTimeout(180_000);
  await talkThroughSpeakers(page);
  const replies = page.getByTestId('assistant-turn');
  await expect(page.getByTestId('spoken')).toBeVisible({ timeout: 60_000 });
  await expect(replies.first()).toHaveAttribute('data-status', 'interrupted', { timeout: 30_000 });
  expect(await page.evaluate(() => window.__es4r!.getState().lastBargeInStopMs)).not.toBeNull();
  await expect(page.getByTestId('user-turn')).toHaveCount(2, { timeout: 30_000 });
});
