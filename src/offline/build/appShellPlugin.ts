import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Plugin } from 'vite';
import type { AppShellManifest } from '../appShell';

export const SERVICE_WORKER_FILE = 'sw.js';
const SERVICE_WORKER_ENTRY = 'src/offline/serviceWorker.ts';
/** The model packs stay in public/models (GBs for a real pack): the serve script serves them from there. */
const PUBLIC_DIRS_LEFT_OUT = ['models'];

/** Every file under `dir`, as '/'-separated paths relative to it. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** The shell is everything the build wrote except the worker itself and source maps; its version hashes their bytes. */
export function appShellManifest(outDir: string): AppShellManifest {
  const files = listFiles(outDir)
    .filter((file) => file !== SERVICE_WORKER_FILE && !file.endsWith('.map') && !file.startsWith('.vite/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(readFileSync(join(outDir, file))).update('\0');
  return { version: hash.digest('hex').slice(0, 16), files };
}

/**
 * After the app is built: copies public/ without the model packs (vite.config.ts sets copyPublicDir: false), then
 * builds the service worker on its own (no chunk shared with the page; a classic script) with the shell's file list.
 */
export function appShellPlugin(): Plugin {
  let root = '';
  let outDir = '';
  let publicDir = '';
  return {
    name: 'es4r-app-shell',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
      publicDir = config.publicDir;
    },
    async closeBundle() {
      if (!existsSync(join(outDir, 'index.html'))) return;
      const leftOut = PUBLIC_DIRS_LEFT_OUT.map((dir) => join(publicDir, dir));
      if (publicDir) cpSync(publicDir, outDir, { recursive: true, filter: (path) => !leftOut.some((dir) => path === dir || path.startsWith(dir + sep)) });
      const shell = appShellManifest(outDir);
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        publicDir: false,
        define: { __APP_SHELL__: JSON.stringify(shell) },
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2022',
          lib: { entry: resolve(root, SERVICE_WORKER_ENTRY), formats: ['iife'], name: 'es4rServiceWorker', fileName: () => SERVICE_WORKER_FILE },
        },
      });
    },
  };
}
