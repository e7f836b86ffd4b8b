import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './e2e/support/chromium';
import { suiteStorageState } from './e2e/support/settings';

/** A port of its own, so the suite never talks to a developer's `npm start`; E2E_PORT lets two suites run side by side. */
const PORT = Number(process.env.E2E_PORT ?? 5199);
/** The built app (dist/, `npm run build` first) as `npm run serve` serves it: e2e/support/builtApp.ts. */
const DIST_PORT = Number(process.env.E2E_DIST_PORT ?? 5299);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: BASE_URL,
    // Every page, on the dev server and on the built app, starts on the tiny pack, whichever packs are installed.
    storageState: suiteStorageState([BASE_URL, `http://127.0.0.1:${DIST_PORT}`]),
    launchOptions: chromiumLaunch(),
  },
  webServer: [
    {
      command: `npx vite --host 127.0.0.1 --port ${PORT} --strictPort`,
      url: BASE_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
    {
      // Waits for the port only: without a build the server still starts, and the specs that need dist/ say so.
      command: `node scripts/serve-dist.mjs --port ${DIST_PORT}`,
      port: DIST_PORT,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
  ],
});
