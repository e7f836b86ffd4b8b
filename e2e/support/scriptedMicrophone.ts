import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

declare global {
  interface Window {
    __scriptedMicrophone?: { say(clip: string): Promise<void> };
  }
}

/**
 * A microphone the test speaks into when it chooses: getUserMedia returns a silent stream, and `say(page, clip)`
 * plays one of `clips` (e2e/fixtures WAVs) into it. Chromium's fake device plays its file on a fixed clock from
 * getUserMedia on, so a sentence meant to land while the reply plays could land before the reply starts on a busy machine.
 */
export async function scriptMicrophone(page: Page, clips: Record<string, string>): Promise<void> {
  const wavBase64 = Object.fromEntries(Object.entries(clips).map(([name, fixture]) => [name, readFixture(fixture)]));
  await page.addInitScript((wavs: Record<string, string>) => {
    let context: AudioContext | null = null;
    let destination: MediaStreamAudioDestinationNode | null = null;
    navigator.mediaDevices.getUserMedia = async () => {
      context ??= new AudioContext({ sampleRate: 48_000 });
      await context.resume();
      // A fresh stream per call: the page stops the previous one's track when it stops listening.
      destination = context.createMediaStreamDestination();
      return destination.stream;
    };
    window.__scriptedMicrophone = {
      async say(clip) {
        const wav = wavs[clip];
        if (!context || !destination || wav === undefined) throw new Error(`cannot say '${clip}': no microphone open or no such clip`);
        const bytes = Uint8Array.from(atob(wav), (char) => char.charCodeAt(0));
        const source = context.createBufferSource();
        source.buffer = await context.decodeAudioData(bytes.buffer);
        source.connect(destination);
        const ended = new Promise<void>((resolve) => source.addEventListener('ended', () => resolve(), { once: true }));
        source.start();
        await ended;
      },
    };
  }, wavBase64);
}

/** Plays `clip` into the scripted microphone and resolves when it has been played to its end. */
export async function say(page: Page, clip: string): Promise<void> {
  await page.evaluate((name) => window.__scriptedMicrophone!.say(name), clip);
}

function readFixture(fixture: string): string {
  const path = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run fixtures'`);
  return readFileSync(path).toString('base64');
}
