import webGpuRuntimeUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import webGpuGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasmRuntimeUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import wasmGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import type { Device } from './device/chooseDevice';

/**
 * The wasm runtimes the app itself serves (onnxruntime-web's default is a CDN), one per device a worker may use:
 * - `webgpu`: the asyncify build that `onnxruntime-web/webgpu` (transformers.js' import) loads by default, which runs
 *   WebGPU and wasm sessions;
 * - `wasm`: the plain build, wasm sessions only. Half the size (14 vs 27 MB), and the browser's optimising compiler
 *   needs far less memory for it: a worker that will not touch WebGPU starts this one.
 * vite.config.ts aliases the bare import to the webgpu entry; its JavaScript drives either build. URLs only: the page
 * imports them without onnxruntime itself.
 */
export const ORT_WASM_PATHS: Readonly<Record<Device, { wasm: string; mjs: string }>> = {
  webgpu: { wasm: webGpuRuntimeUrl, mjs: webGpuGlueUrl },
  wasm: { wasm: wasmRuntimeUrl, mjs: wasmGlueUrl },
};
