/**
 * JavaScript Promise Integration (Chromium 137+): wasm may await the GPU without asyncify's instrumentation. One check
 * for the workers' choice of onnxruntime build and the service worker's choice of what to keep offline.
 */
export const BROWSER_HAS_JSPI = typeof WebAssembly === 'object' && 'Suspending' in WebAssembly;
