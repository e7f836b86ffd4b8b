import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { withSavedSettings } from './support/settings';
import { DIALOGUE_TIMEOUT_MS, FIXTURE_TURN_COUNT, ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-rising-48k.wav')) });

/** The tiny LLM's designed replies (scripts/tinyPack/llmDesign.ts). */
const LISTENING_REPLY = 'i hear you, that sounds really hard.';
const ENCOURAGING_REPLY = 'you can do this, one step at a time!';

test('the ES4R speech path answers each turn: the whole dialogue through the affect front, Whisper, the adapter and cross-attention', async ({ page }) => {
  const listen = new ListenPage(page);
  const models = new ModelsPanel(page);
  await listen.open();
  for (const role of ['asr', 'speech_llm'] as const) await models.expectReady(role, 'wasm');
  await expect(page.getByTestId('speech-path')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await listen.talk.click();
  const routes = page.getByTestId('reply-route');
  await expect(routes).toHaveCount(FIXTURE_TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(page.getByTestId('assistant-turn').last()).toHaveAttribute('data-status', 'done');
  for (const route of await routes.all()) {
    await expect(route).toHaveAttribute('data-path', 'speech');
    await expect(route).toContainText('dual-level attention, cross-attention');
  }
  // Every reply's front holds all user turns so far: more turns, more speech vectors.
  const tokens = await Promise.all((await routes.all()).map(async (route) => Number(await route.getAttribute('data-speech-tokens'))));
  expect(tokens[0]).toBeGreaterThan(0);
  expect(tokens[1]).toBeGreaterThan(tokens[0]!);
  expect(tokens[2]).toBeGreaterThan(tokens[1]!);
  // Each prompt holds its speech vectors and the growing text history, within the budget (tiny LLM: 2048 - 128 tokens).
  // A reply the next turn ends before it is heard is dropped, and one dropped before its prefill ended has no prompt
  // (on a loaded machine the first two can be): the last reply always has one, and the prompts that are there grow.
  const assistantTurns = page.getByTestId('assistant-turn');
  await expect(assistantTurns.last().getByTestId('reply-prompt')).toHaveText(/^prompt \d+ of 1920 tokens, \d+ new$/);
  const sizes: { tokens: number; prefilled: number; speechTokens: number }[] = [];
  for (const [i, turn] of (await assistantTurns.all()).entries()) {
    const prompt = turn.getByTestId('reply-prompt');
    if ((await prompt.count()) === 0) {
      await expect(turn).toHaveAttribute('data-status', 'interrupted');
      continue;
    }
    if (i < FIXTURE_TURN_COUNT - 1 && (await turn.getAttribute('data-status')) === 'done') await expect(turn.getByTestId('assistant-text')).toHaveText(LISTENING_REPLY);
    sizes.push({ tokens: Number(await prompt.getAttribute('data-prompt-tokens')), prefilled: Number(await prompt.getAttribute('data-prefilled-tokens')), speechTokens: tokens[i]! });
  }
  // The worker prefilled the system prompt at load, and each turn reuses the cache of the last: the reused part grows.
  for (const size of sizes) {
    expect(size.tokens).toBeGreaterThan(size.speechTokens);
    expect(size.prefilled).toBeGreaterThan(0);
    expect(size.tokens - size.prefilled).toBeGreaterThan(0);
  }
  for (let i = 1; i < sizes.length; i++) {
    expect(sizes[i]!.tokens).toBeGreaterThan(sizes[i - 1]!.tokens);
    expect(sizes[i]!.tokens - sizes[i]!.prefilled).toBeGreaterThan(sizes[i - 1]!.tokens - sizes[i - 1]!.prefilled);
  }
  const replies = page.getByTestId('assistant-text');
  await expect(replies.last()).toHaveText(ENCOURAGING_REPLY);
  await expect(page.getByTestId('conversation-notice')).toHaveCount(0);
  // The same numbers as in Node: the stage timings of the speech path reach the page.
  const timings = await page.evaluate(() => Object.values(window.__es4r!.getState().replyTimingsMs).map((t) => Object.keys(t)));
  expect(timings).toHaveLength(FIXTURE_TURN_COUNT);
  // A reply the next turn cut short keeps the speech-path stages it went through.
  for (const keys of timings) expect(keys).toEqual(expect.arrayContaining(['speechFront', 'speechWhisper', 'speechAdapter']));
  expect(timings.at(-1)).toEqual(expect.arrayContaining(['crossAttention', 'firstToken']));
});

test('the ablations chosen in Settings reach the speech path, and the text path answers when chosen', async ({ page }) => {
  await withSavedSettings(page, { answerPath: 'speech', dualAttention: false, crossAttention: false });
  const listen = new ListenPage(page);
  await listen.open();
  await expect(page.getByTestId('speech-path')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await page.locator('summary').filter({ hasText: /^Settings$/ }).click();
  await expect(page.getByTestId('path-speech')).toBeChecked();
  await expect(page.getByTestId('dual-attention')).not.toBeChecked();
  await expect(page.getByTestId('cross-attention')).not.toBeChecked();
  await listen.talk.click();
  const firstRoute = page.getByTestId('reply-route').first();
  await expect(firstRoute).toHaveAttribute('data-path', 'speech', { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(firstRoute).toContainText('no dual-level attention, no cross-attention');

  // Switching to the text path takes effect from the next reply on.
  await page.getByTestId('path-text').check();
  await expect(page.getByTestId('dual-attention')).toBeDisabled();
  await expect(page.getByTestId('reply-route').last()).toHaveAttribute('data-path', 'text', { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(page.getByTestId('reply-route').last()).toHaveText('text path');
});
