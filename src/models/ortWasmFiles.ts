import * as ort from 'onnxruntime-web';
import { ORT_BUILDS } from './ortWasmPaths';

/** onnxruntime-web (the direct import, as the voice detector's worker uses it) on the app's own wasm-only runtime: the VAD never runs on WebGPU. */
export function useSelfHostedOrtWasm(numThreads: number): void {
  ort.env.wasm.wasmPaths = ORT_BUILDS.plain;
  ort.env.wasm.numThreads = numThreads;
}
