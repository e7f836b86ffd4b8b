import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Cross-origin isolation: SharedArrayBuffer and multi-threaded wasm need both headers. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  // Separate dependency caches let two dev servers (e.g. two e2e suites) start side by side.
  cacheDir: process.env.VITE_CACHE_DIR ?? 'node_modules/.vite',
  // One onnxruntime-web build in the page: the bare import resolves to the entry transformers.js uses.
  resolve: { alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/webgpu' }] },
  server: { headers: isolationHeaders, strictPort: true },
  preview: { headers: isolationHeaders, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: {
    // Pre-bundled up front: discovering them on first load would reload the page mid-session.
    include: ['react', 'react-dom/client', 'react/jsx-dev-runtime', 'zustand'],
    exclude: ['onnxruntime-web', '@huggingface/transformers'],
  },
  build: { target: 'es2022' },
});
