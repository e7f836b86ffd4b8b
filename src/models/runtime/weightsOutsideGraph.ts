import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Initializers smaller than this stay inside the graph (shapes, scalars): reading them from outside gains nothing. */
export const MIN_OUTSIDE_TENSOR_BYTES = 1024;
/** The name the graph's moved initializers point to; onnxruntime finds their bytes under it among the mounted files. */
export const INLINE_WEIGHTS_PATH = 'es4r-inline-weights.bin';

export interface GraphWithWeightsOutside {
  /** The model without its large initializers' bytes: each points into `externalData` at its old place. */
  graph: Uint8Array;
  /** The original file, mounted whole as the graph's external data: no byte is copied. */
  externalData: { path: string; data: Uint8Array };
  movedTensors: number;
  movedBytes: number;
}

/**
 * A single-file ONNX model as a graph plus external data, the external data being the file itself: each large
 * initializer's bytes are addressed where they already lie. onnxruntime-web copies a model's bytes into its wasm heap
 * and then copies every initializer out of them, and a wasm heap never shrinks, so a single-file model keeps about
 * twice its size there; external data it copies once, straight from this buffer. Null when nothing is worth moving
 * (a model already in external-data form, or one of small tensors).
 */
export function weightsOutsideGraph(model: Uint8Array, minBytes = MIN_OUTSIDE_TENSOR_BYTES): GraphWithWeightsOutside | null {
  const decoded = onnx.ModelProto.decode(model);
  const initializers = decoded.graph?.initializer ?? [];
  if (initializers.some((tensor) => tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) return null;
  let movedTensors = 0;
  let movedBytes = 0;
  for (const tensor of initializers) {
    const raw = tensor.rawData;
    if (!raw || raw.length < minBytes) continue;
    // The decoder hands bytes fields out as views of the buffer it read: their offset is their place in the file.
    if (raw.buffer !== model.buffer) throw new Error('the ONNX decoder copied an initializer instead of viewing the file');
    tensor.externalData = [
      { key: 'location', value: INLINE_WEIGHTS_PATH },
      { key: 'offset', value: String(raw.byteOffset - model.byteOffset) },
      { key: 'length', value: String(raw.length) },
    ].map((entry) => onnx.StringStringEntryProto.create(entry));
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    movedTensors += 1;
    movedBytes += raw.length;
  }
  if (movedTensors === 0) return null;
  return { graph: onnx.ModelProto.encode(decoded).finish(), externalData: { path: INLINE_WEIGHTS_PATH, data: model }, movedTensors, movedBytes };
}

/** A file the schema cannot read (truncated, not ONNX) goes to onnxruntime as it is, which reports it as before. */
function splitOrNull(model: Uint8Array): GraphWithWeightsOutside | null {
  try {
    return weightsOutsideGraph(model);
  } catch {
    return null;
  }
}

/** The overload of onnxruntime's InferenceSession.create that transformers.js calls in the browser. */
interface SessionFactory {
  create(model: Uint8Array, options?: { externalData?: readonly unknown[] }): Promise<unknown>;
}

const hooked = new WeakSet<SessionFactory>();

/**
 * Makes `sessions.create` (onnxruntime's InferenceSession, as transformers.js calls it with a fetched model) load every
 * single-file model as graph plus external data; paths and models already in external-data form pass unchanged.
 */
export function createWithWeightsOutside(sessions: SessionFactory): void {
  // Installed once per factory: a worker prepares every load it serves, and a second wrapper would only decode each graph again.
  if (hooked.has(sessions)) return;
  hooked.add(sessions);
  const create = sessions.create.bind(sessions) as (...args: unknown[]) => Promise<unknown>;
  sessions.create = (...args: unknown[]) => {
    const [model, options] = args as [unknown, { externalData?: readonly unknown[] } | undefined];
    const split = model instanceof Uint8Array && args.length <= 2 ? splitOrNull(model) : null;
    if (!split) return create(...args);
    return create(split.graph, { ...options, externalData: [...(options?.externalData ?? []), split.externalData] });
  };
}
