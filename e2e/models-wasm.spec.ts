import { expect, test } from '@playwright/test';
import { chromiumLaunch } from './support/chromium';
import { ModelsPanel } from './pages/modelsPanel';

// No --enable-unsafe-webgpu: headless Chromium then has no WebGPU adapter.
test.use({ launchOptions: chromiumLaunch() });

test('without WebGPU every model loads on wasm and says why', async ({ page }) => {
  const models = new ModelsPanel(page);
  await page.goto('/');
  for (const role of ['asr', 'llm', 'tts'] as const) {
    await models.expectReady(role, 'wasm');
    await expect(models.reason(role)).toHaveText('no WebGPU adapter in this browser');
  }
  await expect(page.getByTestId('models')).toContainText('tiny/whisper');
});

test('a model file the server answers with a web page is named, with the command that fetches it', async ({ page }) => {
  const models = new ModelsPanel(page);
  // GET only: the pack probe (HEAD) still finds the file, as with a file that went missing later.
  await page.route('**/models/tiny/llm/onnx/model.onnx', (route) =>
    route.request().method() === 'GET' ? route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>app</title>' }) : route.fallback(),
  );
  await page.goto('/');
  await expect(models.model('llm')).toHaveAttribute('data-status', 'error', { timeout: 60_000 });
  await expect(models.model('llm')).toContainText('tiny/llm/onnx/model.onnx');
  await expect(models.model('llm')).toContainText("npm run make:tiny-pack");
  await models.expectReady('asr', 'wasm');
});

test('forcing wasm in settings reloads every model on wasm, and is remembered', async ({ page }) => {
  const models = new ModelsPanel(page);
  await page.goto('/');
  await models.expectReady('llm', 'wasm');
  await page.getByText('Settings').click();
  await page.getByTestId('device-preference').selectOption('wasm');
  for (const role of ['asr', 'llm', 'tts'] as const) {
    await expect(models.reason(role)).toHaveText('wasm chosen in settings', { timeout: 60_000 });
    await models.expectReady(role, 'wasm');
  }
  await expect(page.getByTestId('gpu')).toContainText('No WebGPU adapter');
  // The choice is a setting: it survives a reload.
  await page.reload();
  await models.expectReady('tts', 'wasm');
  await expect(models.reason('tts')).toHaveText('wasm chosen in settings');
});
