import { describe, expect, it } from 'vitest';
import { chooseDevice, type DtypeByDevice } from './chooseDevice';
import type { GpuInfo } from './gpuInfo';

const GPU: GpuInfo = { adapterKey: 'google|swiftshader|-|-', isFallbackAdapter: false, shaderF16: true, maxBufferSizeBytes: 2 ** 30, maxStorageBufferBindingSizeBytes: 2 ** 27 };
const WHISPER: DtypeByDevice = { webgpu: { encoder_model: 'fp16', decoder_model_merged: 'q4f16' }, webgpuNoF16: { encoder_model: 'fp32', decoder_model_merged: 'q4' }, wasm: { encoder_model: 'q8', decoder_model_merged: 'q8' } };
const KOKORO: DtypeByDevice = { webgpu: 'fp32', wasm: 'q8' };

describe('chooseDevice', () => {
  it('uses WebGPU with its dtype when an adapter exists', () => {
    expect(chooseDevice(KOKORO, GPU, 'auto')).toEqual({ device: 'webgpu', dtype: 'fp32', reason: 'WebGPU' });
  });

  it('falls back to wasm without an adapter, and says so when WebGPU was asked for', () => {
    expect(chooseDevice(KOKORO, null, 'auto')).toMatchObject({ device: 'wasm', dtype: 'q8', reason: 'no WebGPU adapter in this browser' });
    expect(chooseDevice(KOKORO, null, 'webgpu').reason).toContain('no WebGPU adapter');
  });

  it('honours a forced wasm', () => {
    expect(chooseDevice(KOKORO, GPU, 'wasm')).toMatchObject({ device: 'wasm', reason: 'wasm chosen in settings' });
  });

  it('takes the f16-free weights on an adapter without shader-f16, or wasm when there are none', () => {
    const noF16 = { ...GPU, shaderF16: false };
    expect(chooseDevice(WHISPER, noF16, 'auto').dtype).toEqual({ encoder_model: 'fp32', decoder_model_merged: 'q4' });
    expect(chooseDevice({ webgpu: 'q4f16', wasm: 'q8' }, noF16, 'auto')).toMatchObject({ device: 'wasm', reason: 'this GPU lacks shader-f16, which the WebGPU weights need' });
  });

  it('avoids WebGPU after a failed self-check unless WebGPU is forced', () => {
    const failed = { agrees: false, evidence: 'fp32 on both: relative error 4.2e-1 > 0.01', checkedAtMs: 0 };
    expect(chooseDevice(KOKORO, GPU, 'auto', failed)).toMatchObject({ device: 'wasm', reason: expect.stringContaining('differed from wasm (fp32 on both: relative error 4.2e-1 > 0.01)') });
    expect(chooseDevice(KOKORO, GPU, 'webgpu', failed)).toMatchObject({ device: 'webgpu', reason: 'WebGPU (chosen in settings)' });
  });

  it('names a software adapter', () => {
    expect(chooseDevice(KOKORO, { ...GPU, isFallbackAdapter: true }, 'auto').reason).toBe('WebGPU, a software adapter');
  });
});
