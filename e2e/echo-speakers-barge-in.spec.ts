import { expect, test } from '@playwright/test';
import { say, sayWhenShown, scriptMicrophone } from './support/scriptedMicrophone';
import { talkThroughSpeakers } from './support/speakers';

test('through speakers the user still barges in: the reply stops and is marked interrupted', async ({ page }) => {
  test.setTimeout(180_000);
  await scriptMicrophone(page, { first: 'barge-in-first-48k.wav', second: 'barge-in-second-48k.wav' });
  const listen = await talkThroughSpeakers(page);
  await expect(listen.micStatus).toHaveAttribute('data-status', 'listening');
  await say(page, 'first');
  const replies = page.getByTestId('assistant-turn');
  // Spoken over the reply, from its first sound, while it comes back through the speakers.
  const second = sayWhenShown(page, 'second', 'spoken');
  await expect(page.getByTestId('spoken')).toBeVisible({ timeout: 60_000 });
  await expect(replies.first()).toHaveAttribute('data-status', 'interrupted', { timeout: 30_000 });
  expect(await page.evaluate(() => window.__es4r!.getState().lastBargeInStopMs)).not.toBeNull();
  await second;
  await expect(page.getByTestId('user-turn')).toHaveCount(2, { timeout: 30_000 });
});
