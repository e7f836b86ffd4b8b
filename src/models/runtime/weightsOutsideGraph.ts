import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Initializers smaller than this stay inside the graph (shapes, scalars): reading them from outside gains nothing. */
export const MIN_OUTSIDE_TENSOR_BYTES = 1024;
/** The name the graph's moved initializers point to; onnxruntime finds their bytes under it among the mounted files. */
export const INLINE_WEIGHTS_PATH = 'es4r-inline-weights.bin';

/** What moveWeightsOutside moved. */
export interface MovedWeights {
  /** The original file, to be mounted whole as the graph's external data: no byte is copied. */
  externalData: { path: string; data: Uint8Array };
  movedTensors: number;
  movedBytes: number;
}

/**
 * Points each large initializer of `decoded` (the model `file` decoded, changed in place) at its own bytes in the
 * file: onnxruntime-web copies a model's bytes into its wasm heap and then copies every initializer out of them, and
 * a wasm heap never shrinks, so a single-file model keeps about twice its size there; external data it copies once,
 * straight from the mounted file. Null when nothing is worth moving (a model already in external-data form, or one
 * of small tensors).
 */
export function moveWeightsOutside(decoded: onnxProto.onnx.IModelProto, file: Uint8Array, minBytes = MIN_OUTSIDE_TENSOR_BYTES): MovedWeights | null {
  const initializers = decoded.graph?.initializer ?? [];
  if (initializers.some((tensor) => tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) return null;
  let movedTensors = 0;
  let movedBytes = 0;
  for (const tensor of initializers) {
    const raw = tensor.rawData;
    if (!raw || raw.length < minBytes) continue;
    // The decoder hands bytes fields out as views of the buffer it read: their offset is their place in the file.
    if (raw.buffer !== file.buffer) throw new Error('the ONNX decoder copied an initializer instead of viewing the file');
    tensor.externalData = [
      { key: 'location', value: INLINE_WEIGHTS_PATH },
      { key: 'offset', value: String(raw.byteOffset - file.byteOffset) },
      { key: 'length', value: String(raw.length) },
    ].map((entry) => onnx.StringStringEntryProto.create(entry));
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    movedTensors += 1;
    movedBytes += raw.length;
  }
  return movedTensors === 0 ? null : { externalData: { path: INLINE_WEIGHTS_PATH, data: file }, movedTensors, movedBytes };
}
