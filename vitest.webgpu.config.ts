import { defineConfig } from 'vitest/config';

/** onnxruntime-node's WebGPU EP vs its CPU EP; run through scripts/test-webgpu-node.mjs, which sets up SwiftShader. */
export default defineConfig({
  test: {
    include: ['test-webgpu/**/*.test.ts'],
    environment: 'node',
    // SwiftShader runs WebGPU on the CPU: model loads and Whisper's encoder take seconds each.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
