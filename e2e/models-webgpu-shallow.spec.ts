import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHALLOW_PACK_FILE, SHALLOW_PACK_NAME } from '../scripts/scalePack/shallowPack';
import { BASE_CHROMIUM_ARGS, chromiumLaunch, WEBGPU_ARGS } from './support/chromium';
import { withSavedSettings } from './support/settings';
import { ModelsPanel } from './pages/modelsPanel';

test.use({ launchOptions: chromiumLaunch([...BASE_CHROMIUM_ARGS, ...WEBGPU_ARGS]) });

/** Whisper-tiny's encoder runs its 1500 positions at full width on SwiftShader: about a minute on a loaded 2-core machine. */
const LOAD_TIMEOUT_MS = 420_000;

test('the scale-shallow pack: Whisper-tiny (encoder fp32, decoder q4) stays on WebGPU, a faulty SmolLM2-360M moves to wasm in its wasm dtype, int8', async ({ page }) => {
  test.setTimeout(600_000);
  const packPath = join(process.cwd(), 'public', 'models', SHALLOW_PACK_FILE);
  if (!existsSync(packPath)) throw new Error(`${packPath} is missing: run \`npm run make:scale-shallow\` first.`);
  const pack: unknown = JSON.parse(readFileSync(packPath, 'utf8'));
  // The pack is generated, not committed: the page reads it as one more pack of its manifest.
  await page.route((url) => url.pathname === '/models/manifest.json', async (route) => {
    const response = await route.fetch();
    const manifest = (await response.json()) as { packs: Record<string, unknown> };
    await route.fulfill({ response, json: { ...manifest, packs: { ...manifest.packs, [SHALLOW_PACK_NAME]: pack } } });
  });
  await withSavedSettings(page, { pack: SHALLOW_PACK_NAME });
  const models = new ModelsPanel(page);
  // The TTS (the tiny pack's) is faulted too, so its outcome does not hang on onnxruntime's Conv bug.
  await page.goto('/?selfCheckFault=llm,tts');
  await expect(models.pack).toHaveAttribute('data-pack', SHALLOW_PACK_NAME);

  await models.expectReady('llm', 'wasm', LOAD_TIMEOUT_MS);
  await expect(models.model('llm')).toContainText('wasm · int8');
  await expect(models.reason('llm')).toContainText('WebGPU output differs from wasm');
  await expect(models.selfCheck('llm')).toHaveAttribute('data-outcome', 'failed');
  await expect(models.selfCheck('llm')).toContainText(/q4 on both: relative error .* > 0\.05/);

  await models.expectReady('asr', 'webgpu', LOAD_TIMEOUT_MS);
  await expect(models.reason('asr')).toContainText('self-check passed');
  await expect(models.selfCheck('asr')).toHaveAttribute('data-outcome', 'passed');
  await expect(models.selfCheck('asr')).toContainText(/encoder_model fp32, decoder_model_merged q4 on both: relative error .* <= 0\.05/);
});
