import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built app as `npm run serve` serves it: playwright.config.ts starts that server on E2E_DIST_PORT. */
export const BUILT_APP_URL = `http://127.0.0.1:${process.env.E2E_DIST_PORT ?? 5299}`;

/** Specs on the built app fail at once, saying why, when there is no build. */
export function assertAppBuilt(): void {
  const index = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
  if (!existsSync(index)) throw new Error(`${index} is missing: run 'npm run build' before these specs`);
}
