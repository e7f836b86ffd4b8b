import * as ort from 'onnxruntime-web';
import { ORT_WASM_PATHS } from './ortWasmPaths';
import type { OrtBuild } from './runtime/ortBuild';

/** onnxruntime-web (the direct import, as the voice detector's worker uses it) on the app's own runtime files of `build`. */
export function useSelfHostedOrtWasm(numThreads: number, build: OrtBuild): void {
  ort.env.wasm.wasmPaths = ORT_WASM_PATHS[build];
  ort.env.wasm.numThreads = numThreads;
}
