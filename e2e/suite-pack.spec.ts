import { expect, test } from '@playwright/test';
import { ModelsPanel } from './pages/modelsPanel';

test("the suite's pages start on the tiny pack even where packs the page prefers look installed", async ({ page }) => {
  // Every pack file answers the probe (HEAD), as on a machine where `npm run models` fetched the other packs.
  await page.route('**/models/**', (route) =>
    route.request().method() === 'HEAD' ? route.fulfill({ status: 200, contentType: 'application/octet-stream', body: '' }) : route.fallback(),
  );
  await page.goto('/');
  const models = new ModelsPanel(page);
  await expect(models.pack).toHaveAttribute('data-pack', 'tiny');
  const available = await page.evaluate(() => window.__es4r!.getState().pack.available);
  expect(available).toEqual(expect.arrayContaining(['default', 'tiny']));
  expect(available.indexOf('default')).toBeLessThan(available.indexOf('tiny'));
});
