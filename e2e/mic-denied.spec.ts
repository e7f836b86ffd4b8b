import { expect, test } from '@playwright/test';
import { BASE_CHROMIUM_ARGS, chromiumLaunch } from './support/chromium';
import { ListenPage } from './pages/listenPage';

test.use({ launchOptions: chromiumLaunch([...BASE_CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--deny-permission-prompts']) });

test('a denied microphone says how to allow it and leaves Talk usable', async ({ page }) => {
  const listen = new ListenPage(page);
  await listen.open();
  await listen.talk.click();
  await expect(listen.micStatus).toHaveAttribute('data-status', 'denied');
  await expect(listen.micProblem).toContainText('Microphone access was blocked');
  await expect(listen.talk).toBeEnabled();
});
