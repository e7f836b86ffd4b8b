import type { GpuInfo } from './gpuInfo';
import type { SelfCheckVerdict } from '../selfCheck/verdict';

export type Device = 'webgpu' | 'wasm';
/** Where a model can run: the page's devices, and onnxruntime-node's CPU for Node tools and tests. */
export type RuntimeDevice = Device | 'cpu';
export type DevicePreference = 'auto' | 'webgpu' | 'wasm';
/** One dtype for the whole model, or one per ONNX file (e.g. Whisper's encoder and decoder). */
export type Dtype = string | Readonly<Record<string, string>>;

export interface DtypeByDevice {
  webgpu: Dtype;
  /** For adapters without `shader-f16`, when `webgpu` needs it. */
  webgpuNoF16?: Dtype;
  wasm: Dtype;
}

export interface DeviceChoice {
  device: Device;
  dtype: Dtype;
  /** Why, in words the loading panel shows. */
  reason: string;
}

function needsF16(dtype: Dtype): boolean {
  const values = typeof dtype === 'string' ? [dtype] : Object.values(dtype);
  return values.some((value) => value.includes('f16'));
}

/** Picks the device and dtype of one model from the adapter, the user's preference and a past self-check. */
export function chooseDevice(dtypes: DtypeByDevice, gpu: GpuInfo | null, preference: DevicePreference, verdict?: SelfCheckVerdict): DeviceChoice {
  const onWasm = (reason: string): DeviceChoice => ({ device: 'wasm', dtype: dtypes.wasm, reason });
  if (preference === 'wasm') return onWasm('wasm chosen in settings');
  if (!gpu) return onWasm(preference === 'webgpu' ? 'WebGPU chosen in settings, but this browser offers no WebGPU adapter' : 'no WebGPU adapter in this browser');
  if (verdict && !verdict.agrees && preference !== 'webgpu') {
    return onWasm(`on this GPU, WebGPU output differed from wasm (${verdict.evidence})`);
  }
  let dtype = dtypes.webgpu;
  if (needsF16(dtype) && !gpu.shaderF16) {
    if (!dtypes.webgpuNoF16) return onWasm('this GPU lacks shader-f16, which the WebGPU weights need');
    dtype = dtypes.webgpuNoF16;
  }
  const forced = preference === 'webgpu' ? ' (chosen in settings)' : '';
  const fallbackNote = gpu.isFallbackAdapter ? ', a software adapter' : '';
  return { device: 'webgpu', dtype, reason: `WebGPU${fallbackNote}${forced}` };
}
