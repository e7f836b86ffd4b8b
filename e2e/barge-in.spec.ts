import { expect, test } from '@playwright/test';
import { say, sayWhenShown, scriptMicrophone } from './support/scriptedMicrophone';
import { ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';

test('speaking while the assistant speaks stops its voice and marks that reply interrupted', async ({ page }) => {
  await scriptMicrophone(page, { first: 'barge-in-first-48k.wav', second: 'barge-in-second-48k.wav' });
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  await listen.open();
  for (const role of ['asr', 'llm', 'tts', 'speech_llm'] as const) await models.expectReady(role, 'wasm');
  await expect(page.getByTestId('speech-path')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await listen.talk.click();
  await expect(listen.micStatus).toHaveAttribute('data-status', 'listening');
  await say(page, 'first');
  const replies = page.getByTestId('assistant-turn');
  // The second sentence starts as soon as the first reply is heard...
  const second = sayWhenShown(page, 'second', 'spoken');
  await expect(page.getByTestId('spoken')).toBeVisible({ timeout: 60_000 });
  // ...and cuts it in: the reply keeps its text and is marked interrupted.
  await expect(replies.first()).toHaveAttribute('data-status', 'interrupted', { timeout: 15_000 });
  await expect(replies.first()).toContainText('interrupted');
  // Reported, not asserted: timing targets belong to benchmarks, and this machine's timing is noisy.
  const stopMs = await page.evaluate(() => window.__es4r!.getState().lastBargeInStopMs);
  expect(stopMs).not.toBeNull();
  console.log(`barge-in: voice faded out ${stopMs!.toFixed(1)} ms after the VAD onset reached the page`);
  await second;
  await expect(page.getByTestId('user-turn')).toHaveCount(2, { timeout: 20_000 });
  await expect(replies).toHaveCount(2);
  await expect(replies.nth(1)).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
});
