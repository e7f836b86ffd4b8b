import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { appHeaders, contentSecurityPolicy } from './src/privacy/securityHeaders.mjs';
import { appShellPlugin } from './src/offline/build/appShellPlugin.ts';

/** The dev server's one inline script is React refresh's preamble: allowed by its hash, nothing else inline. */
const refreshPreambleHash = `sha256-${createHash('sha256').update(react.preambleCode.replace('__BASE__', '/')).digest('base64')}`;
/** Cross-origin isolation and the Content-Security-Policy (src/privacy/securityHeaders.mjs), the same as `npm run serve`. */
const devHeaders = appHeaders(contentSecurityPolicy({ inlineScriptHashes: [refreshPreambleHash], inlineStyles: true }));
const builtAppHeaders = appHeaders(contentSecurityPolicy());

/** The commit the app is built from, "-modified" when the tree has uncommitted changes; "unknown" outside a git checkout. */
function buildCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}-modified` : commit;
  } catch {
    return 'unknown';
  }
}
const appVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

export default defineConfig({
  plugins: [react(), appShellPlugin()],
  // Study logs record what ran (src/appVersion.ts).
  define: { __APP_VERSION__: JSON.stringify(appVersion), __APP_COMMIT__: JSON.stringify(buildCommit()) },
  // Separate dependency caches let two dev servers (e.g. two e2e suites) start side by side.
  cacheDir: process.env.VITE_CACHE_DIR ?? 'node_modules/.vite',
  // One onnxruntime-web build in the page: the bare import resolves to the entry transformers.js uses.
  resolve: { alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/webgpu' }] },
  server: { headers: devHeaders, strictPort: true },
  preview: { headers: builtAppHeaders, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: {
    // Pre-bundled up front: discovering them on first load would reload the page mid-session.
    include: ['react', 'react-dom/client', 'react/jsx-dev-runtime', 'zustand', 'onnx-proto'],
    exclude: ['onnxruntime-web', '@huggingface/transformers'],
  },
  // public/ minus the model packs is copied by appShellPlugin, which also builds the service worker.
  build: { target: 'es2022', copyPublicDir: false },
});
