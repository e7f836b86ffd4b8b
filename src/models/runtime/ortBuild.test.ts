import { describe, expect, it } from 'vitest';
import { ortBuildFor } from './ortBuild';

describe('ortBuildFor', () => {
  it("starts WebGPU's build only where WebGPU may be tried", () => {
    expect(ortBuildFor('auto', true)).toBe('webgpu');
    expect(ortBuildFor('webgpu', true)).toBe('webgpu');
  });

  it('starts the plain build without an adapter, or with wasm chosen in settings', () => {
    expect(ortBuildFor('auto', false)).toBe('cpu');
    expect(ortBuildFor('webgpu', false)).toBe('cpu');
    expect(ortBuildFor('wasm', true)).toBe('cpu');
  });
});
