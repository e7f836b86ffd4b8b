import { expect, test } from '@playwright/test';
import { BASE_CHROMIUM_ARGS, chromiumLaunch, WEBGPU_ARGS } from './support/chromium';
import { ModelsPanel } from './pages/modelsPanel';

test.use({ launchOptions: chromiumLaunch([...BASE_CHROMIUM_ARGS, ...WEBGPU_ARGS]) });

/**
 * Every load here runs on SwiftShader: the first visit checks each model in turn, and each reload compiles every
 * model's shaders again; on a loaded 2-core machine one model was seen waiting over 120 s either way.
 */
const LOAD_TIMEOUT_MS = 300_000;

test('the tiny pack loads on WebGPU where it computes correctly, on wasm where it does not, and again offline', async ({ page }) => {
  // The TTS's WebGPU output is corrupted on purpose (a test hook), so this holds whether or not onnxruntime still
  // miscomputes the tiny Kokoro's 129->128 Conv1d.
  // Three page loads, the first with a WebGPU-vs-wasm self-check of each model on SwiftShader, one model at a time.
  test.setTimeout(900_000);
  const models = new ModelsPanel(page);
  const modelRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/models/') && request.method() === 'GET') modelRequests.push(request.url());
  });
  // Routed from the start, aborting only later: Playwright's routing first enabled after short-lived nested workers had
  // come and gone left the next reload waiting forever (three runs, each until the timeout); from the start it does not.
  let offline = false;
  await page.route((url) => url.pathname.startsWith('/models/'), (route) => (offline ? route.abort('internetdisconnected') : route.fallback()));
  await page.goto('/?selfCheckFault=tts');
  await expect(models.pack).toHaveAttribute('data-pack', 'tiny');
  await models.expectReady('asr', 'webgpu', LOAD_TIMEOUT_MS);
  await models.expectReady('llm', 'webgpu', LOAD_TIMEOUT_MS);
  await models.expectReady('speech_llm', 'webgpu', LOAD_TIMEOUT_MS);
  await expect(models.reason('asr')).toContainText('self-check passed');
  await expect(models.selfCheck('asr')).toHaveAttribute('data-outcome', 'passed');
  await expect(models.selfCheck('asr')).toContainText(/fp32 on both: relative error .* <= 0\.01/);
  await models.expectReady('tts', 'wasm', LOAD_TIMEOUT_MS);
  await expect(models.reason('tts')).toContainText('WebGPU output differs from wasm');
  await expect(models.selfCheck('tts')).toHaveAttribute('data-outcome', 'failed');
  await expect(models.selfCheck('tts')).toContainText(/spectral distance .* dB > 1 dB/);

  // The verdicts are remembered per adapter and model: no second self-check after a reload.
  await expect(page.getByTestId('pack-offline')).toHaveAttribute('data-offline', 'yes', { timeout: 60_000 });
  await page.reload();
  await models.expectReady('tts', 'wasm', LOAD_TIMEOUT_MS);
  await expect(models.reason('tts')).toContainText('on this GPU, WebGPU output differed from wasm');
  await models.expectReady('asr', 'webgpu', LOAD_TIMEOUT_MS);
  await expect(models.reason('asr')).not.toContainText('self-check');
  await expect(models.selfCheck('asr')).toHaveAttribute('data-outcome', 'remembered');

  // With the model files unreachable, a reload loads everything from Cache Storage.
  await expect(page.getByTestId('pack-offline')).toHaveAttribute('data-offline', 'yes', { timeout: 60_000 });
  // Only the served model files (/models/...), not the app's own modules under /src/models/.
  offline = true;
  modelRequests.length = 0;
  await page.reload();
  for (const role of ['asr', 'llm'] as const) await models.expectReady(role, 'webgpu', LOAD_TIMEOUT_MS);
  await models.expectReady('tts', 'wasm', LOAD_TIMEOUT_MS);
  // transformers.js looks for a vision encoder beside an image-text config (the speech LLM's layout); no pack has one.
  expect(modelRequests.filter((url) => url.endsWith('.onnx') && !url.endsWith('/vision_encoder.onnx'))).toEqual([]);
});
