import type { Page } from '@playwright/test';
import type { Settings } from '../../src/state/settingsSlice';
import { SETTINGS_STORAGE_KEY, SETTINGS_VERSION } from '../../src/state/settingsStorage';

/**
 * The suite's own choice of settings every page starts with: the generated tiny pack, whose designed outputs the specs
 * assert, whatever other packs a developer has installed (left to itself the page picks the best installed one).
 */
export const SUITE_SETTINGS: Partial<Settings> = { pack: 'tiny' };

/** Settings as the store persists them (the rest default). */
function persistedSettings(settings: Partial<Settings>): string {
  return JSON.stringify({ state: { settings }, version: SETTINGS_VERSION });
}

/** Playwright's storageState that seeds SUITE_SETTINGS in each of the suite's origins before any page opens. */
export function suiteStorageState(baseUrls: string[]): { cookies: []; origins: { origin: string; localStorage: { name: string; value: string }[] }[] } {
  const localStorage = [{ name: SETTINGS_STORAGE_KEY, value: persistedSettings(SUITE_SETTINGS) }];
  return { cookies: [], origins: baseUrls.map((url) => ({ origin: new URL(url).origin, localStorage })) };
}

/** Starts the page with some settings as a user saved them earlier, on top of the suite's own. */
export async function withSavedSettings(page: Page, settings: Partial<Settings>): Promise<void> {
  await page.addInitScript(({ key, value }) => localStorage.setItem(key, value), {
    key: SETTINGS_STORAGE_KEY,
    value: persistedSettings({ ...SUITE_SETTINGS, ...settings }),
  });
}
