import onnxProto from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-web';
import { keepNewKvRowsOnly, withWholeKvCache } from './newKvRowsOnly';
import { moveWeightsOutside } from './weightsOutsideGraph';

const { onnx } = onnxProto;

/** The overload of onnxruntime's InferenceSession.create that transformers.js calls in the browser. */
interface SessionFactory {
  create(model: Uint8Array, options?: SessionOptions): Promise<unknown>;
}

interface SessionOptions {
  executionProviders?: readonly (string | { name: string })[];
  externalData?: readonly unknown[];
}

type TensorClass = Parameters<typeof withWholeKvCache>[2];

/** On WebGPU the cache stays on the GPU between steps (transformers.js asks for GPU outputs): nothing comes back to rewrite. */
const onCpuOnly = (options: SessionOptions | undefined): boolean =>
  (options?.executionProviders ?? ['wasm']).every((provider) => ['wasm', 'cpu'].includes(typeof provider === 'string' ? provider : provider.name));

/**
 * The graph with its weights pointed at the file and, on the CPU, its cache's new rows only; null when nothing changed
 * or the schema cannot read the file (truncated, not ONNX): onnxruntime then gets it as it is and reports it as before.
 */
function rewriteOrNull(file: Uint8Array, onCpu: boolean) {
  try {
    const decoded = onnx.ModelProto.decode(file);
    const moved = moveWeightsOutside(decoded, file);
    const presentNames = onCpu ? keepNewKvRowsOnly(decoded) : [];
    return moved || presentNames.length > 0 ? { moved, presentNames, graph: onnx.ModelProto.encode(decoded).finish() } : null;
  } catch {
    return null;
  }
}

const hooked = new WeakSet<SessionFactory>();

/**
 * Makes `sessions.create` (onnxruntime's InferenceSession, as transformers.js and the ES4R graphs call it with a
 * fetched model) load every single-file model as graph plus external data, so its weights are copied into the wasm
 * heap once (moveWeightsOutside), and run a causal LM on the CPU returning only its cache's new rows, which the session
 * appends in reused arrays (keepNewKvRowsOnly). Paths, and models already in external-data form with no cache, pass unchanged.
 */
export function prepareSessionsFromBytes(sessions: SessionFactory, TensorClass: TensorClass): void {
  // Installed once per factory: a worker prepares every load it serves, and a second wrapper would only decode each graph again.
  if (hooked.has(sessions)) return;
  hooked.add(sessions);
  const create = sessions.create.bind(sessions) as (...args: unknown[]) => Promise<unknown>;
  sessions.create = async (...args: unknown[]) => {
    const [model, options] = args as [unknown, SessionOptions | undefined];
    const rewritten = model instanceof Uint8Array && args.length <= 2 ? rewriteOrNull(model, onCpuOnly(options)) : null;
    if (!rewritten) return create(...args);
    const { moved, presentNames, graph } = rewritten;
    const session = await create(graph, moved ? { ...options, externalData: [...(options?.externalData ?? []), moved.externalData] } : options);
    return presentNames.length === 0 ? session : withWholeKvCache(session as InferenceSession, presentNames, TensorClass);
  };
}
