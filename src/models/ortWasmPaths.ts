import asyncifyRuntimeUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import asyncifyGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import jspiRuntimeUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';
import jspiGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url';
import wasmRuntimeUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import wasmGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import type { Device } from './device/chooseDevice';

/** JavaScript Promise Integration (Chromium 137+): wasm may await the GPU without asyncify's instrumentation. */
const HAS_JSPI = typeof WebAssembly === 'object' && 'Suspending' in WebAssembly;

/**
 * The wasm runtimes the app itself serves (onnxruntime-web's default is a CDN), one per device a worker may use:
 * - `webgpu` runs WebGPU and wasm sessions: the JSPI build (17 MB) where the browser has JSPI, else the asyncify build
 *   (27 MB) that `onnxruntime-web/webgpu` (transformers.js' import) loads by default;
 * - `wasm`: the plain build (14 MB), wasm sessions only.
 * The browser's optimising compiler held about 1 GB across the workers for the asyncify build, far less for the others.
 * vite.config.ts aliases the bare import to the webgpu entry; its JavaScript drives any of the three builds. URLs
 * only: the page imports them without onnxruntime itself.
 */
export const ORT_WASM_PATHS: Readonly<Record<Device, { wasm: string; mjs: string }>> = {
  webgpu: HAS_JSPI ? { wasm: jspiRuntimeUrl, mjs: jspiGlueUrl } : { wasm: asyncifyRuntimeUrl, mjs: asyncifyGlueUrl },
  wasm: { wasm: wasmRuntimeUrl, mjs: wasmGlueUrl },
};
