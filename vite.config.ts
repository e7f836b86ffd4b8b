import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Cross-origin isolation: SharedArrayBuffer and multi-threaded wasm need both headers. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolationHeaders, strictPort: true },
  preview: { headers: isolationHeaders, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
  build: { target: 'es2022' },
});
