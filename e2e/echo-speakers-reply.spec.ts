import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { talkThroughSpeakers } from './support/speakers';

// One sentence, then 14 s of silence: the whole reply is spoken through the (simulated) speakers.
test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('one-turn-48k.wav')) });

test('through speakers the reply plays to its end: its own echo neither stops it nor becomes a user turn', async ({ page }) => {
  test.setTimeout(180_000);
  await talkThroughSpeakers(page);
  const reply = page.getByTestId('assistant-turn').first();
  await expect(page.getByTestId('spoken')).toBeVisible({ timeout: 60_000 });
  // Played out: written in full and no longer speaking.
  await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await page.waitForFunction(() => window.__es4r!.getState().speaking === null, null, { timeout: 60_000 });
  await expect(reply).toHaveAttribute('data-status', 'done');
  expect(await page.evaluate(() => window.__es4r!.getState().lastBargeInStopMs)).toBeNull();
  await expect(page.getByTestId('user-turn')).toHaveCount(1);
  await expect(page.getByTestId('assistant-turn')).toHaveCount(1);
});
