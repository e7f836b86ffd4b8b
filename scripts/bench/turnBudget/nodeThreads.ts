// The page gives each model worker 2 wasm threads (serveModelWorker's WASM_THREADS); in Node every onnxruntime-node
// session gets as many intra-op threads, so both places run each model on the same parallelism.
import { InferenceSession } from 'onnxruntime-node';

export const PAGE_THREADS_PER_MODEL = 2;

type Create = (...args: unknown[]) => Promise<InferenceSession>;

/** Every session created from now on (by transformers.js too) runs `threads` intra-op threads unless it asks otherwise. */
export function useIntraOpThreads(threads: number): void {
  const session = InferenceSession as unknown as { create: Create };
  const create = session.create.bind(InferenceSession) as Create;
  session.create = (...args: unknown[]) => {
    // create(pathOrBuffer, options?): the form transformers.js uses; the offset form is passed through as is.
    if (args.length <= 2) {
      const options = (args[1] ?? {}) as InferenceSession.SessionOptions;
      return create(args[0], { intraOpNumThreads: threads, ...options });
    }
    return create(...args);
  };
}
