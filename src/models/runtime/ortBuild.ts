import type { DevicePreference } from '../device/chooseDevice';

/**
 * Which of onnxruntime-web's wasm builds a worker starts: 'webgpu' (asyncify, which WebGPU needs) or 'cpu' (plain
 * SIMD-threaded). On wasm alone the plain build is faster: measured in headless Chromium, 2 threads, scale-lite
 * graphs, a decode step of SmolLM2-360M int8 at 1300 cached tokens 370-470 ms against 400-1100 ms, a 100-token prefill
 * 650-790 ms against 830-1100, and the first run of Whisper-tiny's encoder 2.0-2.8 s against 4.1-5.0 s.
 */
export type OrtBuild = 'cpu' | 'webgpu';

/** A worker starts one build for good, so it takes WebGPU's whenever WebGPU may be tried, the plain build otherwise. */
export function ortBuildFor(preference: DevicePreference, gpuFound: boolean): OrtBuild {
  return preference !== 'wasm' && gpuFound ? 'webgpu' : 'cpu';
}
