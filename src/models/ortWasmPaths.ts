import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';

/**
 * The wasm runtime the app itself serves (onnxruntime-web's default is a CDN). The asyncify
 * build is the one `onnxruntime-web/webgpu` (transformers.js' import) loads, so the page
 * fetches one runtime; vite.config.ts aliases the bare import to that entry. URLs only: the
 * page imports them without onnxruntime itself.
 */
export const ORT_WASM_PATHS = { wasm: ortWasmUrl, mjs: ortGlueUrl };
