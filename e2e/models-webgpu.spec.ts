import { expect, test } from '@playwright/test';
import { BASE_CHROMIUM_ARGS, chromiumLaunch, WEBGPU_ARGS } from './support/chromium';
import { ModelsPanel } from './pages/modelsPanel';

test.use({ launchOptions: chromiumLaunch([...BASE_CHROMIUM_ARGS, ...WEBGPU_ARGS]) });

test('the tiny pack loads on WebGPU where it computes correctly, on wasm where it does not, and again offline', async ({ page }) => {
  // Three page loads, the first with a WebGPU-vs-wasm self-check of each model on SwiftShader.
  test.setTimeout(360_000);
  const models = new ModelsPanel(page);
  const modelRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/models/') && request.method() === 'GET') modelRequests.push(request.url());
  });
  await page.goto('/');
  await expect(models.pack).toHaveAttribute('data-pack', 'tiny');
  await models.expectReady('asr', 'webgpu');
  await models.expectReady('llm', 'webgpu');
  await models.expectReady('speech_llm', 'webgpu');
  await expect(models.reason('asr')).toContainText('self-check passed');
  // The tiny TTS holds a 129->128 Conv1d, which the native WebGPU EP miscomputes.
  await models.expectReady('tts', 'wasm');
  await expect(models.reason('tts')).toContainText('WebGPU output differs from wasm');

  // The verdicts are remembered per adapter and model: no second self-check after a reload.
  await expect(page.getByTestId('pack-offline')).toHaveAttribute('data-offline', 'yes', { timeout: 60_000 });
  await page.reload();
  await models.expectReady('tts', 'wasm');
  await expect(models.reason('tts')).toContainText('on this GPU, WebGPU output differed from wasm');
  await models.expectReady('asr', 'webgpu');
  await expect(models.reason('asr')).not.toContainText('self-check');

  // With the model files unreachable, a reload loads everything from Cache Storage.
  await expect(page.getByTestId('pack-offline')).toHaveAttribute('data-offline', 'yes', { timeout: 60_000 });
  // Only the served model files (/models/...), not the app's own modules under /src/models/.
  await page.route((url) => url.pathname.startsWith('/models/'), (route) => route.abort('internetdisconnected'));
  modelRequests.length = 0;
  await page.reload();
  for (const role of ['asr', 'llm'] as const) await models.expectReady(role, 'webgpu');
  await models.expectReady('tts', 'wasm');
  // transformers.js looks for a vision encoder beside an image-text config (the speech LLM's layout); no pack has one.
  expect(modelRequests.filter((url) => url.endsWith('.onnx') && !url.endsWith('/vision_encoder.onnx'))).toEqual([]);
});
