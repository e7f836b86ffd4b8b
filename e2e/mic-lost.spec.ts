import { expect, test } from '@playwright/test';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { ListenPage } from './pages/listenPage';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-falling-48k.wav')) });

declare global {
  interface Window {
    __capturedStreams?: MediaStream[];
  }
}

test('a microphone that disappears mid-turn ends the turn cleanly and tells the user', async ({ page }) => {
  // Keep the page's streams reachable so the test can end the track as an unplugged device would.
  await page.addInitScript(() => {
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      (window.__capturedStreams ??= []).push(stream);
      return stream;
    };
  });
  const listen = new ListenPage(page);
  await listen.open();
  // Talk listens before the voice detector is ready (it then catches up on the audio): the device must go mid-turn in real time.
  await expect.poll(() => page.evaluate(() => window.__es4r!.getState().vadStatus), { timeout: 20_000 }).toBe('ready');
  await listen.talk.click();
  await expect.poll(() => page.evaluate(() => window.__es4r!.getState().speechActive), { timeout: 20_000 }).toBe(true);
  // Half a second into the first sentence (it lasts ~3.8 s), the device goes away.
  await page.waitForTimeout(500);
  await page.evaluate(() => {
    for (const track of window.__capturedStreams!.flatMap((stream) => stream.getAudioTracks())) {
      track.stop();
      track.dispatchEvent(new Event('ended'));
    }
  });
  await expect(listen.micStatus).toHaveAttribute('data-status', 'lost');
  await expect(listen.micProblem).toContainText('disconnected');
  await expect(listen.turnRows).toHaveCount(1);
  await expect(listen.turnRows.first()).toContainText('mic lost');
  await expect(listen.talk).toHaveText('Talk');
});
