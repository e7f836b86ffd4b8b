import cpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import cpuGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import webgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import webgpuGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { OrtBuild } from './runtime/ortBuild';

/**
 * The wasm runtimes the app itself serves (onnxruntime-web's default is a CDN), one per build: the asyncify build is
 * the one `onnxruntime-web/webgpu` (transformers.js' import; vite.config.ts aliases the bare import to it) loads, and
 * the only one that runs WebGPU; the plain SIMD-threaded build runs the same wasm kernels faster (ortBuild.ts says by
 * how much). URLs only: the page imports them without onnxruntime itself.
 */
export const ORT_WASM_PATHS: Readonly<Record<OrtBuild, { wasm: string; mjs: string }>> = {
  cpu: { wasm: cpuWasmUrl, mjs: cpuGlueUrl },
  webgpu: { wasm: webgpuWasmUrl, mjs: webgpuGlueUrl },
};
