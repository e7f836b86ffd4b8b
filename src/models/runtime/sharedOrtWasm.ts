import { ORT_BUILDS, type OrtBuild } from '../ortWasmPaths';

/**
 * onnxruntime's wasm `build`, compiled once, in the page, for every worker: a WebAssembly.Module posted to
 * a worker shares its compiled code with it, so the browser compiles and optimises the runtime once instead of once
 * per worker (which went on in the background through the first turns, and held a copy of the code per worker).
 */
export function compileOrtWasm(build: OrtBuild): Promise<WebAssembly.Module> {
  return WebAssembly.compileStreaming(fetch(ORT_BUILDS[build].wasm));
}

/** The module the worker's hook instantiates; the hook is installed once. */
let shared: WebAssembly.Module | null = null;

/**
 * In a worker, before onnxruntime starts: its streaming instantiation of `build`'s runtime file instantiates `module`
 * instead of compiling the file again (onnxruntime starts once per worker, so a later module changes nothing).
 * Other files are instantiated as before.
 */
export function useSharedOrtWasm(module: WebAssembly.Module, build: OrtBuild, baseUrl: string = self.location.href): void {
  if (shared) return;
  shared = module;
  const runtimeUrl = new URL(ORT_BUILDS[build].wasm, baseUrl).href;
  const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    if (response.url !== runtimeUrl) return instantiateStreaming(response, imports);
    void response.body?.cancel();
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
}
