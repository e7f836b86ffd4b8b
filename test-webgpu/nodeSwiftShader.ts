import type { GpuInfo } from '../src/models/device/gpuInfo';

/**
 * The Node SwiftShader adapter as the page's detectGpu would describe it (onnxruntime-node does not expose it): no
 * shader-f16, so a q4f16 WebGPU dtype gives way to the pack's webgpuNoF16 one.
 */
export const NODE_SWIFTSHADER: GpuInfo = {
  adapterKey: 'node|swiftshader|-|-',
  isFallbackAdapter: true,
  shaderF16: false,
  maxBufferSizeBytes: 2 ** 30,
  maxStorageBufferBindingSizeBytes: 2 ** 27,
};
