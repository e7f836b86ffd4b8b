import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { assertAppBuilt } from './support/builtApp';
import { DIALOGUE_TIMEOUT_MS, FIXTURE_TURN_COUNT, ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';
import { createDistServer } from '../scripts/serve-dist.mjs';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-rising-48k.wav')) });
test.beforeAll(assertAppBuilt);

const ROLES = ['asr', 'llm', 'tts'] as const;

test('after one visit the built app reloads and converses with the network off', async ({ page, context }) => {
  test.setTimeout(240_000);
  // The serve script's own server, owned by this test so that it can really go away (context.setOffline does not reach
  // a service worker's fetches in Chromium, playwright#2311).
  const server = createDistServer(
    { distDir: fileURLToPath(new URL('../dist', import.meta.url)), modelsDir: fileURLToPath(new URL('../public/models', import.meta.url)) },
    // Violation reports are the privacy spec's subject (zod's refused eval probe posts one from each worker).
    () => undefined,
  );
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  const indicator = page.getByTestId('on-device');

  await page.goto(appUrl);
  for (const role of ROLES) await models.expectReady(role, 'wasm');
  await expect(indicator).toHaveAttribute('data-shell', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('pack-offline')).toHaveAttribute('data-offline', 'yes', { timeout: 60_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${appUrl}sw.js`);

  // The network is off: the browser says so, and the server is gone.
  await context.setOffline(true);
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
  expect(await page.evaluate((url) => fetch(url, { cache: 'no-store' }).then(() => 'answered', () => 'unreachable'), `${appUrl}no-such-file`)).toBe('unreachable');

  await page.reload();
  await expect(listen.talk).toBeEnabled();
  for (const role of ROLES) await models.expectReady(role, 'wasm');
  await page.evaluate(() => window.__es4r!.startOutputCapture());
  await listen.talk.click();
  await expect(page.getByTestId('user-turn')).toHaveCount(FIXTURE_TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(page.getByTestId('assistant-turn').last()).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('assistant-text').last()).not.toBeEmpty();
  // The last reply is spoken to its end: highlighted while it plays, then done.
  await expect(page.getByTestId('spoken')).toBeVisible();
  await expect(page.getByTestId('spoken')).toHaveCount(0, { timeout: 20_000 });
  const output = await page.evaluate(() => window.__es4r!.stopOutputCapture());
  expect(output.audibleSamples / output.outputRateHz).toBeGreaterThan(1);
  expect(output.peak).toBeGreaterThan(0.01);
  await expect(indicator).toHaveAttribute('data-foreign-requests', '0');
});
