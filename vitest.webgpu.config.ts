import { defineConfig } from 'vitest/config';

/** onnxruntime-node's WebGPU EP vs its CPU EP; run through scripts/test-webgpu-node.mjs, which sets up SwiftShader. */
export default defineConfig({
  test: {
    include: ['test-webgpu/**/*.test.ts'],
    environment: 'node',
    // SwiftShader runs WebGPU on the CPU: Whisper's load-and-self-check hook takes ~12 s alone, ~40 s on busy cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
