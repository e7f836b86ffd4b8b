import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs, WEBGPU_ARGS } from './support/chromium';
import { FIXTURE_TURN_COUNT, ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';

test.use({ launchOptions: chromiumLaunch([...fakeMicrophoneArgs('dialogue-rising-48k.wav'), ...WEBGPU_ARGS]) });

/** The tiny pack's designed outputs (scripts/tinyPack). */
const TRANSCRIPT = 'Hello, how are you?';
const LISTENING_REPLY = 'i hear you, that sounds really hard.';
const ENCOURAGING_REPLY = 'you can do this, one step at a time!';
/** The tiny LLM on SwiftShader WebGPU, on a loaded 2-core machine. */
const REPLY_TIMEOUT_MS = 120_000;
/** The first load self-checks each model on SwiftShader: over 120 s on a fresh clone while the machine ran two other jobs. */
const FIRST_LOAD_TIMEOUT_MS = 240_000;

test('a lost GPU device: the workers are replaced, the models reload on WebGPU, the user is told, and a turn is answered', async ({ page }) => {
  // A first load with the WebGPU self-check on SwiftShader, then two models loaded again.
  test.setTimeout(480_000);
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  // The app's own workers by script name (onnxruntime's pthread workers left out).
  const started: string[] = [];
  page.on('worker', (worker) => {
    const name = /\/workers\/(\w+)\.worker/.exec(worker.url())?.[1];
    if (name) started.push(name);
  });
  await listen.open();
  await models.expectReady('asr', 'webgpu', FIRST_LOAD_TIMEOUT_MS);
  await models.expectReady('llm', 'webgpu', FIRST_LOAD_TIMEOUT_MS);
  await models.expectReady('tts', 'wasm', FIRST_LOAD_TIMEOUT_MS);
  const startedBefore = started.length;

  // A GPU reset loses every device at once: here the two on WebGPU, destroyed from their workers.
  const lost = await page.evaluate(() => Promise.all([window.__es4r!.loseGpuDevice!('asr'), window.__es4r!.loseGpuDevice!('llm')]));
  expect(lost).toEqual([true, true]);
  // The TTS runs on wasm: a device left over from its self-check (if any) may go, and nothing is reloaded.
  await page.evaluate(() => window.__es4r!.loseGpuDevice!('tts'));

  const notice = page.getByTestId('conversation-notice');
  await expect(notice).toHaveText('The graphics device was reset; models were reloaded on WebGPU.', { timeout: 120_000 });
  await models.expectReady('asr', 'webgpu');
  await models.expectReady('llm', 'webgpu');
  await models.expectReady('tts', 'wasm');
  // Exactly the two lost workers were replaced; nothing else was started again.
  expect(started.slice(startedBefore).sort()).toEqual(['asr', 'llm']);

  // The text path: the reply comes from the reloaded language model (on SwiftShader the speech path's first replies are empty).
  await page.getByText('Settings', { exact: true }).click();
  await page.getByTestId('path-text').check();
  await listen.talk.click();
  // The reloaded Whisper compiles its WebGPU shaders on the first turn: on SwiftShader under load that alone took over a minute.
  await expect(page.getByTestId('user-turn').first()).toContainText(TRANSCRIPT, { timeout: REPLY_TIMEOUT_MS });
  await expect(page.getByTestId('assistant-text').first()).toContainText(LISTENING_REPLY.slice(0, 1));
  // Decoding on SwiftShader is slow: the next turn cuts the first replies short. The last turn, louder, is answered in full.
  const lastReply = page.getByTestId('assistant-turn').nth(FIXTURE_TURN_COUNT - 1);
  await expect(lastReply).toHaveAttribute('data-status', 'done', { timeout: REPLY_TIMEOUT_MS });
  await expect(lastReply.getByTestId('assistant-text')).toHaveText(ENCOURAGING_REPLY);
});
