import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

declare global {
  interface Window {
    __scriptedMicrophone?: { say(clip: string): Promise<void>; sayWhenShown(clip: string, testId: string): Promise<void> };
  }
}

/**
 * A microphone the test speaks into when it chooses: getUserMedia returns a silent stream, into which `say` plays
 * one of `clips` (e2e/fixtures WAVs), at once or the moment an element appears. Chromium's fake device plays its file
 * on a fixed clock from getUserMedia on, so a sentence meant to land while the reply plays could land before the reply
 * starts on a busy machine, or after a short reply has ended.
 */
export async function scriptMicrophone(page: Page, clips: Record<string, string>): Promise<void> {
  const wavBase64 = Object.fromEntries(Object.entries(clips).map(([name, fixture]) => [name, readFixture(fixture)]));
  await page.addInitScript((wavs: Record<string, string>) => {
    let context: AudioContext | null = null;
    let destination: MediaStreamAudioDestinationNode | null = null;
    let buffers: Promise<Map<string, AudioBuffer>> | null = null;
    let markOpen = () => {};
    // Talk's click returns before the page has asked for the microphone: a clip waits for the stream to exist.
    const open = new Promise<void>((resolve) => {
      markOpen = resolve;
    });
    const decodeAll = async (audio: AudioContext) => {
      const entries = Object.entries(wavs).map(async ([name, wav]) => {
        const bytes = Uint8Array.from(atob(wav), (char) => char.charCodeAt(0));
        return [name, await audio.decodeAudioData(bytes.buffer)] as const;
      });
      return new Map(await Promise.all(entries));
    };
    navigator.mediaDevices.getUserMedia = async () => {
      context ??= new AudioContext({ sampleRate: 48_000 });
      await context.resume();
      // Decoded once, before any cue: a clip then starts within a render of its cue.
      buffers ??= decodeAll(context);
      await buffers;
      // A fresh stream per call: the page stops the previous one's track when it stops listening.
      destination = context.createMediaStreamDestination();
      markOpen();
      return destination.stream;
    };
    const play = async (clip: string) => {
      await open;
      const buffer = (await buffers!).get(clip);
      if (!buffer) throw new Error(`cannot say '${clip}': no such clip`);
      const source = context!.createBufferSource();
      source.buffer = buffer;
      source.connect(destination!);
      const ended = new Promise<void>((resolve) => source.addEventListener('ended', () => resolve(), { once: true }));
      source.start();
      await ended;
    };
    const shown = (testId: string) =>
      new Promise<void>((resolve) => {
        const present = () => document.querySelector(`[data-testid="${testId}"]`) !== null;
        if (present()) return resolve();
        const observer = new MutationObserver(() => {
          if (!present()) return;
          observer.disconnect();
          resolve();
        });
        observer.observe(document, { childList: true, subtree: true });
      });
    window.__scriptedMicrophone = {
      say: play,
      async sayWhenShown(clip, testId) {
        await shown(testId);
        await play(clip);
      },
    };
  }, wavBase64);
}

/** Plays `clip` into the scripted microphone once the page has opened it, and resolves when it has been played to its end. */
export async function say(page: Page, clip: string): Promise<void> {
  await page.evaluate((name) => window.__scriptedMicrophone!.say(name), clip);
}

/** As `say`, but starts in the page the moment an element with `testId` appears (no round trip through the test). */
export async function sayWhenShown(page: Page, clip: string, testId: string): Promise<void> {
  await page.evaluate(([name, id]) => window.__scriptedMicrophone!.sayWhenShown(name, id), [clip, testId] as const);
}

function readFixture(fixture: string): string {
  const path = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run fixtures'`);
  return readFileSync(path).toString('base64');
}
