import type { Dtype, DtypeByDevice } from '../../src/models/device/chooseDevice';

/**
 * The dtype the CLIs and benchmarks load on a runtime device, as the page picks it: the wasm one off the GPU; on a
 * WebGPU adapter without shader-f16 the pack's variant without float16, if it has one. Runtime-free (bench pages too).
 */
export function dtypeOnDevice(dtypes: DtypeByDevice, device: 'cpu' | 'wasm' | 'webgpu', shaderF16: boolean): Dtype {
  if (device !== 'webgpu') return dtypes.wasm;
  return !shaderF16 && dtypes.webgpuNoF16 ? dtypes.webgpuNoF16 : dtypes.webgpu;
}
