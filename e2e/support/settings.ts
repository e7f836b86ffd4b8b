import type { Page } from '@playwright/test';
import type { Settings } from '../../src/state/settingsSlice';

/** Starts the page with some settings as a user saved them earlier (the store's persisted shape; the rest default). */
export async function withSavedSettings(page: Page, settings: Partial<Settings>): Promise<void> {
  await page.addInitScript((saved) => {
    localStorage.setItem('es4r.settings', JSON.stringify({ state: { settings: saved }, version: 1 }));
  }, settings);
}
