import asyncifyRuntimeUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import asyncifyGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import jspiRuntimeUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';
import jspiGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url';
import plainRuntimeUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import type { Device } from './device/chooseDevice';
import { BROWSER_HAS_JSPI } from './jspi';

/**
 * onnxruntime-web's wasm builds, served by the app itself (its default is a CDN). One JavaScript drives all three
 * (vite.config.ts aliases the bare import to the webgpu entry, transformers.js' import). URLs only: the page imports
 * them without onnxruntime itself.
 * - `plain` (14 MB): wasm sessions only;
 * - `jspi` (17 MB): WebGPU and wasm, awaiting the GPU through JavaScript Promise Integration (Chromium 137+);
 * - `asyncify` (27 MB): WebGPU and wasm in any browser, the entry's default. The browser's optimising compiler held
 *   about 1 GB across the workers for it, far less for the other two.
 */
export const ORT_BUILDS = {
  plain: { wasm: plainRuntimeUrl, mjs: plainGlueUrl },
  jspi: { wasm: jspiRuntimeUrl, mjs: jspiGlueUrl },
  asyncify: { wasm: asyncifyRuntimeUrl, mjs: asyncifyGlueUrl },
} as const;

export type OrtBuild = keyof typeof ORT_BUILDS;

/** The smallest build that runs `device`'s sessions in this browser (WebGPU's run wasm sessions too). */
export function ortBuildFor(device: Device, hasJspi: boolean = BROWSER_HAS_JSPI): OrtBuild {
  if (device === 'wasm') return 'plain';
  return hasJspi ? 'jspi' : 'asyncify';
}
