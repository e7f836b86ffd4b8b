import type { Page } from '@playwright/test';
import { ListenPage } from '../pages/listenPage';
import { ModelsPanel } from '../pages/modelsPanel';

// Speakers instead of headphones: the test hook mixes the page's own voice back into the microphone path,
// delayed and attenuated as a laptop's speakers and microphone would (the fake microphone alone has no echo).
const SPEAKERS = { delayMs: 60, gainDb: -14 };

/** Opens the page on the tiny pack (wasm), feeds its voice back into the microphone, and starts listening. */
export async function talkThroughSpeakers(page: Page): Promise<ListenPage> {
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  await listen.open();
  for (const role of ['asr', 'llm', 'tts'] as const) await models.expectReady(role, 'wasm');
  await page.evaluate((speakers) => window.__es4r!.feedVoiceIntoMicrophone!(speakers), SPEAKERS);
  await listen.talk.click();
  return listen;
}
