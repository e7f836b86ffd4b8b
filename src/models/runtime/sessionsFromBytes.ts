import onnxProto from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-web';
import { keepNewKvRowsOnly, withWholeKvCache } from './newKvRowsOnly';
import { graphWithoutWeights, INLINE_WEIGHTS_PATH, readFromMemory } from './weightsOutsideGraph';
import { takeWeightsOnDemand } from './weightsOnDemand';

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

interface ExternalData {
  path: string;
  data: Uint8Array;
}

/** The locations of a graph's external data. */
const externalLocations = (decoded: onnxProto.onnx.IModelProto): string[] =>
  (decoded.graph?.initializer ?? []).flatMap((tensor) => (tensor.externalData ?? []).filter((entry) => entry.key === 'location').map((entry) => entry.value ?? ''));

/**
 * The graph with its weights pointed at the file (or, for a graph served from the cache with its weights left on
 * disk, those weights to mount) and, on the CPU, its cache's new rows only; null when nothing changed or the bytes
 * are not ONNX (truncated, not a model): onnxruntime then gets them as they are and reports them as before.
 */
function rewriteOrNull(file: Uint8Array, onCpu: boolean): { graph: Uint8Array; externalData: ExternalData[]; presentNames: string[] } | null {
  try {
    const hollow = graphWithoutWeights(readFromMemory(file), file.length, INLINE_WEIGHTS_PATH);
    const decoded = onnx.ModelProto.decode(hollow?.graph ?? file);
    const externalData = [...(hollow ? [{ path: INLINE_WEIGHTS_PATH, data: file }] : []), ...takeWeightsOnDemand(externalLocations(decoded))];
    const presentNames = onCpu ? keepNewKvRowsOnly(decoded) : [];
    if (externalData.length === 0 && presentNames.length === 0) return null;
    return { graph: presentNames.length > 0 ? onnx.ModelProto.encode(decoded).finish() : (hollow?.graph ?? file), externalData, presentNames };
  } catch {
    return null;
  }
}

const hooked = new WeakSet<SessionFactory>();

/**
 * Makes `sessions.create` (onnxruntime's InferenceSession, as transformers.js and the ES4R graphs call it with a
 * fetched model) load every single-file model as graph plus external data, so its weights are copied into the wasm
 * heap once (graphWithoutWeights); mount the weights a graph served from the cache left there (weightsOnDemand); and
 * run a causal LM on the CPU returning only its cache's new rows, which the session appends in reused arrays
 * (keepNewKvRowsOnly). Paths, and models already in external-data form with no cache, pass unchanged.
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
    const { externalData, presentNames, graph } = rewritten;
    const session = await create(graph, externalData.length > 0 ? { ...options, externalData: [...(options?.externalData ?? []), ...externalData] } : options);
    return presentNames.length === 0 ? session : withWholeKvCache(session as InferenceSession, presentNames, TensorClass);
  };
}
