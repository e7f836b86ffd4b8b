import { expect, test } from '@playwright/test';
import { BASE_CHROMIUM_ARGS, chromiumLaunch } from './support/chromium';
import { ListenPage } from './pages/listenPage';

// Permission granted, but no fake device: a machine with no microphone at all.
test.use({ launchOptions: chromiumLaunch([...BASE_CHROMIUM_ARGS, '--use-fake-ui-for-media-stream']) });

test('a machine without a microphone says so and how to go on', async ({ page }) => {
  const listen = new ListenPage(page);
  await listen.open();
  await listen.talk.click();
  await expect(listen.micStatus).toHaveAttribute('data-status', 'noDevice');
  await expect(listen.micProblem).toContainText('No microphone was found');
});
