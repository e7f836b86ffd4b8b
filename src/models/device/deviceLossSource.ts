import { env } from '@huggingface/transformers';

/**
 * The GPUDevice onnxruntime-web runs its WebGPU sessions on, or undefined before the first one.
 * The native WebGPU EP sets `env.webgpu.device` to the device; the older JSEP build exposes a
 * promise of it, hence the await.
 */
export async function ortGpuDevice(): Promise<unknown> {
  try {
    return await (env.backends.onnx.webgpu?.device as unknown);
  } catch {
    return undefined;
  }
}
