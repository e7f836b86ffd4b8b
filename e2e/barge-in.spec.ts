import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';

// Two sentences; the second starts 2.2 s after the first ends, while the reply to the first is being spoken.
test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('barge-in-48k.wav')) });

test('speaking while the assistant speaks stops its voice and marks that reply interrupted', async ({ page }) => {
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  await listen.open();
  // Everything loaded first: the reply must start playing within the 2.2 s before the second sentence, and a load still
  // running on two cores (the speech path's) delayed its first audio to 6 s on a fresh clone.
  for (const role of ['asr', 'llm', 'tts', 'speech_llm'] as const) await models.expectReady(role, 'wasm');
  await expect(page.getByTestId('speech-path')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await listen.talk.click();
  const replies = page.getByTestId('assistant-turn');
  // The first reply is heard...
  await expect(page.getByTestId('spoken')).toBeVisible({ timeout: 30_000 });
  // ...until the second sentence cuts in: the reply keeps its text and is marked interrupted.
  await expect(replies.first()).toHaveAttribute('data-status', 'interrupted', { timeout: 15_000 });
  await expect(replies.first()).toContainText('interrupted');
  // Reported, not asserted: timing targets belong to benchmarks, and this machine's timing is noisy.
  const stopMs = await page.evaluate(() => window.__es4r!.getState().lastBargeInStopMs);
  expect(stopMs).not.toBeNull();
  console.log(`barge-in: voice faded out ${stopMs!.toFixed(1)} ms after the VAD onset reached the page`);
  await expect(page.getByTestId('user-turn')).toHaveCount(2, { timeout: 20_000 });
  await expect(replies).toHaveCount(2);
  await expect(replies.nth(1)).toHaveAttribute('data-status', 'done');
});
