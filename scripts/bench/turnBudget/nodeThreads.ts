// The page gives each model worker 2 wasm threads (serveModelWorker's WASM_THREADS); in Node every onnxruntime-node
// session gets as many intra-op threads, so both places run each model on the same parallelism.
import { InferenceSession } from 'onnxruntime-node';

export const PAGE_THREADS_PER_MODEL = 2;

type Create = (...args: unknown[]) => Promise<InferenceSession>;

export interface NodeSessionPolicy {
  /** Intra-op threads of every session that does not ask otherwise. */
  threads: number;
  /**
   * Outputs land on the CPU even when asked to stay on the GPU (transformers.js keeps an LLM's KV cache there on
   * WebGPU): onnxruntime-node 1.30 aborts the process when such a tensor is downloaded, which cropping the kept KV
   * cache does each turn (webgpuDownloadRepro.ts shows it).
   */
  outputsOnCpu: boolean;
}

/** Every session created from now on (by transformers.js too) follows `policy`. */
export function useNodeSessionPolicy({ threads, outputsOnCpu }: NodeSessionPolicy): void {
  const session = InferenceSession as unknown as { create: Create };
  const create = session.create.bind(InferenceSession) as Create;
  session.create = (...args: unknown[]) => {
    // create(pathOrBuffer, options?): the form transformers.js uses; the offset form is passed through as is.
    if (args.length <= 2) {
      const { preferredOutputLocation, ...options } = (args[1] ?? {}) as InferenceSession.SessionOptions;
      return create(args[0], { intraOpNumThreads: threads, ...options, ...(outputsOnCpu || !preferredOutputLocation ? {} : { preferredOutputLocation }) });
    }
    return create(...args);
  };
}
