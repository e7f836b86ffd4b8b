import * as ort from 'onnxruntime-web';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';

/**
 * Points onnxruntime-web at the wasm runtime the app itself serves (its default is a CDN).
 * The asyncify build is the one `onnxruntime-web/webgpu` (transformers.js' import) loads, so
 * the page fetches one runtime; vite.config.ts aliases the bare import to that entry.
 */
export function useSelfHostedOrtWasm(numThreads: number): void {
  ort.env.wasm.wasmPaths = { wasm: ortWasmUrl, mjs: ortGlueUrl };
  ort.env.wasm.numThreads = numThreads;
}
