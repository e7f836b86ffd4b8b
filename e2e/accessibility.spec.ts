import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { DIALOGUE_TIMEOUT_MS, ListenPage } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';

// One sentence (the fixtures script writes it beside the dialogues): however late the voice detector catches up with the
// audio heard since the press, releasing Space after the turn leaves exactly that turn.
test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('../../fixtures/speech-48k.wav')) });

/** The page once the pack is chosen and its model rows show, with Settings open: every control on screen. */
async function openWithSettings(page: Page): Promise<void> {
  const models = new ModelsPanel(page);
  await new ListenPage(page).open();
  await expect(models.pack).toHaveAttribute('data-pack', 'tiny');
  await expect(models.model('asr')).toBeVisible();
  await page.getByText('Settings', { exact: true }).click();
}

test('keyboard only: holding Space talks and releasing it stops; Tab reaches Talk and Enter toggles hands-free listening', async ({ page }) => {
  const listen = new ListenPage(page);
  await listen.open();
  const inputMeter = page.getByTestId('input-meter');
  await expect(page.getByTestId('talk-modes')).toContainText('hold Space');

  // Push-to-talk: the focus is on the page itself, so Space is ours.
  await expect(page.locator('body')).toBeFocused();
  await page.keyboard.down('Space');
  // Pressed while the models load: the microphone opens at once, the voice detector need not be ready yet.
  await expect(listen.micStatus).toHaveAttribute('data-status', 'listening');
  const { talkToListeningMs } = await page.evaluate(() => window.__es4r!.listenTimings());
  // Generous for a loaded CI machine; scripts/bench-talk.ts prints the real figures (~0.2 s).
  expect(talkToListeningMs).toBeLessThan(5_000);
  await expect(inputMeter).not.toHaveAttribute('aria-valuetext', '–');
  // Held through the spoken turn: the pause ends it as in hands-free listening.
  await expect(listen.turnRows).toHaveCount(1, { timeout: DIALOGUE_TIMEOUT_MS });
  await page.keyboard.up('Space');
  await expect(listen.micStatus).toHaveAttribute('data-status', 'idle');
  await expect(inputMeter).toHaveAttribute('aria-valuetext', '–');
  await expect(listen.turnRows).toHaveCount(1);

  // Hands-free: Tab reaches Talk first; Enter starts and stops listening.
  await page.keyboard.press('Tab');
  await expect(listen.talk).toBeFocused();
  await expect(listen.talk).toHaveAccessibleDescription(/Hands-free/);
  await page.keyboard.press('Enter');
  await expect(listen.micStatus).toHaveAttribute('data-status', 'listening');
  await expect(listen.talk).toHaveAttribute('aria-pressed', 'true');
  // Space on the focused button is the button's own: it stops listening rather than talking.
  await page.keyboard.press('Space');
  await expect(listen.micStatus).toHaveAttribute('data-status', 'idle');
  await expect(listen.talk).toHaveAttribute('aria-pressed', 'false');
});

test('an automated audit finds no serious or critical violations; meters and captions are labelled', async ({ page }) => {
  // The page as it is while the models load: the pack, the per-model rows and their progress bars.
  await openWithSettings(page);
  await expect(page.getByRole('meter', { name: 'You level' })).toHaveAttribute('aria-valuemin', '-70');
  await expect(page.getByRole('meter', { name: 'Voice level' })).toHaveAttribute('aria-valuemax', '20');
  // One polite live region carries finished captions; the bubbles themselves are not live, so tokens are not re-announced.
  await expect(page.getByTestId('caption-announcer')).toHaveAttribute('aria-live', 'polite');
  await expect(page.locator('.bubbles[aria-live]')).toHaveCount(0);

  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const severe = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
  expect(severe).toEqual([]);
  expect(results.passes.length).toBeGreaterThan(10);
});

test('reduced motion turns off the meter smoothing and the Talk pulse', async ({ page }) => {
  const listen = new ListenPage(page);
  const durations = () =>
    page.evaluate(() => ({
      meter: getComputedStyle(document.querySelector('.meter-bar')!).transitionDuration,
      talk: getComputedStyle(document.querySelector('.talk-button')!).transitionDuration,
    }));
  await listen.open();
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  expect(await durations()).toEqual({ meter: '0.08s', talk: '0.15s' });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await durations()).toEqual({ meter: '0s', talk: '0s' });
});

test('at 200% zoom (640 CSS px wide) nothing scrolls sideways or sticks out', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await openWithSettings(page);
  const layout = await page.evaluate(() => {
    const root = document.scrollingElement!;
    const outside = [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((element) => element.getClientRects().length > 0 && !element.closest('.visually-hidden'))
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 0.5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, outside };
  });
  expect(layout.clientWidth).toBe(640);
  expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
  expect(layout.outside).toEqual([]);
  await context.close();
});
