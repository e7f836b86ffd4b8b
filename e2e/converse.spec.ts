import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { expectWholeOrCutReply } from './support/cutReply';
import { DIALOGUE_TIMEOUT_MS, FIXTURE_TURN_COUNT, ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';
import { withSavedSettings } from './support/settings';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-rising-48k.wav')) });

/** The tiny pack's designed outputs (scripts/tinyPack): Whisper's transcript of speech, the LLM's two replies. */
const TRANSCRIPT = 'Hello, how are you?';
const LISTENING_REPLY = 'i hear you, that sounds really hard.';
const ENCOURAGING_REPLY = 'you can do this, one step at a time!';

test('spoken turns are transcribed, answered on the text path with streamed replies and spoken; rising energy brings an encouraging one', async ({ page }) => {
  // The speech path has its own spec (speech-path.spec.ts); this one follows the transcript and its cues.
  await withSavedSettings(page, { answerPath: 'text' });
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  await listen.open();
  for (const role of ['asr', 'llm', 'tts'] as const) await models.expectReady(role, 'wasm');
  await page.evaluate(() => window.__es4r!.startOutputCapture());
  await listen.talk.click();
  const userTurns = page.getByTestId('user-turn');
  const replies = page.getByTestId('assistant-text');
  await expect(userTurns).toHaveCount(FIXTURE_TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
  for (const turn of await userTurns.all()) await expect(turn).toContainText(TRANSCRIPT);
  await expect(replies).toHaveCount(FIXTURE_TURN_COUNT);
  await expect(page.getByTestId('assistant-turn').last()).toHaveAttribute('data-status', 'done');
  // Turns 1 and 2 are quiet and level (neutral); turn 3 is 12 dB louder, so the prompt asks to encourage.
  // On a slow machine the fixture's next turn may begin while a reply is still spoken: a barge-in then cuts it, as it should.
  for (const index of [0, 1]) {
    const interrupted = (await page.getByTestId('assistant-turn').nth(index).getAttribute('data-status')) === 'interrupted';
    expectWholeOrCutReply((await replies.nth(index).textContent()) ?? '', interrupted, LISTENING_REPLY);
  }
  await expect(replies.nth(2)).toHaveText(ENCOURAGING_REPLY);
  await expect(userTurns.nth(2)).toContainText('encourage');
  for (const route of await page.getByTestId('reply-route').all()) await expect(route).toHaveText('text path');
  await expect(page.getByTestId('conversation-notice')).toHaveCount(0);
  // The last reply is spoken to its end in the encourage preset's voice, its text highlighted as it plays.
  await expect(page.getByTestId('voice')).toContainText('encourage preset');
  // The tiny pack installs a style encoder: the user's own turns shape the voice (ES4R Stage 3).
  await expect(page.getByTestId('voice')).toContainText('style of your own turns');
  await expect(page.getByTestId('spoken')).toBeVisible();
  await expect(page.getByTestId('spoken')).toHaveCount(0, { timeout: 20_000 });
  const output = await page.evaluate(() => window.__es4r!.stopOutputCapture());
  // The tiny TTS speaks round(6T/speed)*300 samples at 24 kHz per chunk: the last reply alone is over a second.
  expect(output.audibleSamples / output.outputRateHz).toBeGreaterThan(1);
  expect(output.peak).toBeGreaterThan(0.01);
});
