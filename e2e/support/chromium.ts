import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian's real Chromium binary (/usr/bin/chromium is a wrapper adding extension flags); CHROMIUM_PATH overrides. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/google-chrome'];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found) throw new Error("No Chromium found: install it (Debian: 'sudo apt-get install -y chromium') or set CHROMIUM_PATH");
  return found;
}

/** Quiet, closed-network Chromium with audio that plays without a gesture. */
export const BASE_CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

/** Launch options for Debian's Chromium; a spec's `test.use({ launchOptions })` replaces the config's, so each spec says them whole. */
export function chromiumLaunch(args: string[] = BASE_CHROMIUM_ARGS): { executablePath: string; args: string[] } {
  return { executablePath: chromiumPath(), args };
}

/** WebGPU in headless Chromium: a SwiftShader adapter, slow but real. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];

/** A fake microphone that plays `fixture` once from getUserMedia on, then silence. */
export function fakeMicrophoneArgs(fixture: string): string[] {
  const path = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run fixtures'`);
  return [
    ...BASE_CHROMIUM_ARGS,
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${path}%noloop`,
  ];
}
