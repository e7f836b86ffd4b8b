import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appShellManifest } from './appShellPlugin';

describe('appShellManifest', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function build(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'app-shell-'));
    dirs.push(dir);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  const BUILT = { 'index.html': '<html>', 'assets/index-a1.js': 'app', 'assets/ort-b2.wasm': 'wasm', 'favicon.svg': '<svg/>', 'studies/example.json': '{}' };

  it('lists every built file, sorted, without the service worker, source maps or build metadata', () => {
    const dir = build({ ...BUILT, 'sw.js': 'worker', 'assets/index-a1.js.map': '{}', '.vite/manifest.json': '{}' });
    expect(appShellManifest(dir).files).toEqual(['assets/index-a1.js', 'assets/ort-b2.wasm', 'favicon.svg', 'index.html', 'studies/example.json']);
  });

  it('gives the same build the same version, and a new version when any byte or name changes', () => {
    const version = appShellManifest(build(BUILT)).version;
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(appShellManifest(build({ ...BUILT, 'sw.js': 'another worker' })).version).toBe(version);
    expect(appShellManifest(build({ ...BUILT, 'index.html': '<html lang="en">' })).version).not.toBe(version);
    expect(appShellManifest(build({ ...BUILT, 'favicon.svg': '<svg />' })).version).not.toBe(version);
    const { 'assets/index-a1.js': app, ...rest } = BUILT;
    expect(appShellManifest(build({ ...rest, 'assets/index-c3.js': app })).version).not.toBe(version);
  });
});
