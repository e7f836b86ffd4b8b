import { describe, expect, it } from 'vitest';
import { ORT_BUILDS, ortBuildFor } from './ortWasmPaths';

describe('ortBuildFor', () => {
  it('starts the plain build for wasm alone, JSPI for WebGPU where the browser has it, asyncify elsewhere', () => {
    expect(ortBuildFor('wasm', true)).toBe('plain');
    expect(ortBuildFor('wasm', false)).toBe('plain');
    expect(ortBuildFor('webgpu', true)).toBe('jspi');
    expect(ortBuildFor('webgpu', false)).toBe('asyncify');
  });

  it("serves each build's own runtime and glue files from onnxruntime-web", () => {
    expect(ORT_BUILDS.plain.wasm).toMatch(/ort-wasm-simd-threaded\.wasm$/);
    expect(ORT_BUILDS.jspi.mjs).toMatch(/ort-wasm-simd-threaded\.jspi\.mjs$/);
    expect(ORT_BUILDS.asyncify.wasm).toMatch(/ort-wasm-simd-threaded\.asyncify\.wasm$/);
  });
});
