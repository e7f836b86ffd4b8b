import type { Page } from '@playwright/test';

/** When Talk is pressed: as soon as the page has loaded (the models still loading), or once every model is ready. */
export type TalkMoment = 'whileLoading' | 'whenReady';

export interface TalkToListening {
  moment: TalkMoment;
  /** Press -> the microphone status says listening, timed in the page (performance.now()) around a real click. */
  talkToListeningMs: number;
  /** The app's own figure for the same press (the test handle's `talkToListeningMs`); null when the app reports none. */
  reportedMs: number | null;
  /** Page navigation start -> the voice detector ready, from the app's timings; null when not reported. */
  vadReadyAtMs: number | null;
}

const READY_TIMEOUT_MS = 300_000;

/** Waits until the pack's main models and the voice detector are ready (or failed: the press is timed either way). */
async function waitForModels(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const { components, vadStatus, pack } = window.__es4r!.getState();
      if (pack.status === 'none') return vadStatus !== 'loading';
      return vadStatus !== 'loading' && (['asr', 'llm', 'tts'] as const).every((role) => ['ready', 'error'].includes(components[role]?.status ?? ''));
    },
    null,
    { timeout: READY_TIMEOUT_MS, polling: 50 },
  );
}

/** Presses Talk and times, in the page, until the microphone status says listening. */
export function pressTalk(page: Page): Promise<number> {
  // No named functions inside: tsx's keepNames would wrap them in a helper the page does not have.
  return page.evaluate(async () => {
    const talk = document.querySelector<HTMLButtonElement>('[data-testid="talk"]');
    if (!talk) throw new Error('no Talk button');
    const startMs = performance.now();
    talk.click();
    for (;;) {
      const { micStatus, micMessage } = window.__es4r!.getState();
      if (micStatus === 'listening') return performance.now() - startMs;
      if (micStatus !== 'starting') throw new Error(`Talk ended in "${micStatus}": ${micMessage ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  });
}

/**
 * Opens `url` in `page` and times one Talk press -> listening, in the page. The page's microphone must be fake
 * (Chromium's --use-fake-ui-for-media-stream), or the permission prompt is timed too.
 */
export async function measureTalkToListening(page: Page, url: string, moment: TalkMoment): Promise<TalkToListening> {
  await page.goto(url);
  await page.getByTestId('talk').waitFor();
  if (moment === 'whenReady') await waitForModels(page);
  const talkToListeningMs = await pressTalk(page);
  const reported = await page.evaluate(() => {
    const timings = window.__es4r!.listenTimings?.();
    return { talkToListeningMs: timings?.talkToListeningMs ?? null, vadReadyAtMs: timings?.vadReadyAtMs ?? null };
  });
  return { moment, talkToListeningMs, reportedMs: reported.talkToListeningMs, vadReadyAtMs: reported.vadReadyAtMs };
}
