import { expect, test } from '@playwright/test';
import { fakeMicrophoneArgs } from './support/chromium';
import { ListenPage } from './pages/listenPage';

/** The fixtures hold three spoken turns, 1.5 s apart, whose gains step by 6 dB. */
const TURN_COUNT = 3;
/** Speech of ~17 s plus VAD and worker start-up, on a slow CI core. */
const DIALOGUE_TIMEOUT_MS = 60_000;

test.describe('a dialogue whose energy falls', () => {
  test.use({ launchOptions: { args: fakeMicrophoneArgs('dialogue-falling-48k.wav') } });

  test('is cut into three turns of falling energy and implies comfort', async ({ page }) => {
    const listen = new ListenPage(page);
    await listen.open();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await listen.talk.click();
    await expect(listen.micStatus).toHaveAttribute('data-status', 'listening');
    await expect(listen.turnRows).toHaveCount(TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
    const energiesDb = await listen.turnEnergiesDb();
    expect(energiesDb[0]!).toBeGreaterThan(energiesDb[1]!);
    expect(energiesDb[1]!).toBeGreaterThan(energiesDb[2]!);
    await expect(listen.strategy).toHaveAttribute('data-strategy', 'comfort');
    await expect(listen.delta).toContainText('dB');
    // The fake microphone falls silent after the file: no phantom turns may follow.
    await page.waitForTimeout(1500);
    await expect(listen.turnRows).toHaveCount(TURN_COUNT);
  });
});

test.describe('a dialogue whose energy rises', () => {
  test.use({ launchOptions: { args: fakeMicrophoneArgs('dialogue-rising-48k.wav') } });

  test('implies encourage, and a new conversation starts empty', async ({ page }) => {
    const listen = new ListenPage(page);
    await listen.open();
    await listen.talk.click();
    await expect(listen.turnRows).toHaveCount(TURN_COUNT, { timeout: DIALOGUE_TIMEOUT_MS });
    await expect(listen.strategy).toHaveAttribute('data-strategy', 'encourage');
    await listen.talk.click();
    await expect(listen.micStatus).toHaveAttribute('data-status', 'idle');
    await page.getByTestId('new-conversation').click();
    await expect(listen.turnRows).toHaveCount(0);
    await expect(listen.strategy).toHaveAttribute('data-strategy', 'neutral');
  });
});
