/** What the page learns about the GPU: enough to pick dtypes and to key self-check verdicts. */
export interface GpuInfo {
  /** Identifies the adapter across sessions: vendor, architecture, device, description. */
  adapterKey: string;
  isFallbackAdapter: boolean;
  shaderF16: boolean;
  maxBufferSizeBytes: number;
  maxStorageBufferBindingSizeBytes: number;
}

interface AdapterLike {
  features: ReadonlySet<string>;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}

/** The WebGPU adapter, or null where there is none (no API, blocked, or no adapter). */
export async function detectGpu(gpu: GpuLike | undefined = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu): Promise<GpuInfo | null> {
  if (!gpu) return null;
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return null;
  }
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const parts = [info.vendor, info.architecture, info.device, info.description].map((part) => part || '-');
  return {
    adapterKey: parts.join('|'),
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSizeBytes: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSizeBytes: adapter.limits.maxStorageBufferBindingSize,
  };
}
