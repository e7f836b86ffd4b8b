import { concatBytes } from '../../concatArrays';
import { isLengthDelimited, lengthDelimitedField, varintField, WindowedReader, wireFields, type ReadRange, type WireField } from './protobufWire';

/** Initializers smaller than this stay inside the graph (shapes, scalars): reading them from outside gains nothing. */
export const MIN_OUTSIDE_TENSOR_BYTES = 1024;
/** The name under which a model held in memory is mounted whole as its own graph's external data. */
export const INLINE_WEIGHTS_PATH = 'es4r-inline-weights.bin';

// Field numbers of onnx.proto's ModelProto, GraphProto, TensorProto and StringStringEntryProto.
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const DATA_LOCATION_EXTERNAL = 1;

export interface GraphWithoutWeights {
  /** The model with each large initializer pointing at its bytes' place in the file instead of holding them. */
  graph: Uint8Array<ArrayBuffer>;
  movedTensors: number;
  movedBytes: number;
}

interface Walk {
  reader: WindowedReader;
  location: string;
  minBytes: number;
  movedTensors: number;
  movedBytes: number;
  alreadyExternal: boolean;
}

const text = new TextEncoder();
const entry = (key: string, value: string) =>
  lengthDelimitedField(TENSOR_EXTERNAL_DATA, concatBytes([lengthDelimitedField(ENTRY_KEY, text.encode(key)), lengthDelimitedField(ENTRY_VALUE, text.encode(value))]));

function tensorPayload(walk: Walk, tensor: WireField): Uint8Array {
  // A moved tensor's data_location is written anew as EXTERNAL; every other field is kept as it is.
  const kept: Uint8Array[] = [];
  let raw: WireField | null = null;
  for (const field of wireFields(walk.reader, tensor.valueStart, tensor.end)) {
    if (field.fieldNumber === TENSOR_DATA_LOCATION) {
      if (walk.reader.byteAt(field.valueStart) === DATA_LOCATION_EXTERNAL) walk.alreadyExternal = true;
    } else if (field.fieldNumber === TENSOR_RAW_DATA && isLengthDelimited(field) && field.end - field.valueStart >= walk.minBytes) {
      raw = field;
    } else {
      kept.push(walk.reader.bytes(field.start, field.end));
    }
  }
  if (!raw) return walk.reader.bytes(tensor.valueStart, tensor.end);
  walk.movedTensors += 1;
  walk.movedBytes += raw.end - raw.valueStart;
  return concatBytes([
    ...kept,
    entry('location', walk.location),
    entry('offset', String(raw.valueStart)),
    entry('length', String(raw.end - raw.valueStart)),
    varintField(TENSOR_DATA_LOCATION, DATA_LOCATION_EXTERNAL),
  ]);
}

function graphPayload(walk: Walk, graph: WireField): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of wireFields(walk.reader, graph.valueStart, graph.end)) {
    parts.push(field.fieldNumber === GRAPH_INITIALIZER && isLengthDelimited(field) ? lengthDelimitedField(GRAPH_INITIALIZER, tensorPayload(walk, field)) : walk.reader.bytes(field.start, field.end));
  }
  return concatBytes(parts);
}

/**
 * The model in the file of `sizeBytes`, read through `read`, with each large initializer of its graph pointing at the
 * place of its own bytes in that file (external data under `location`), read field by field so the file is never held
 * whole: onnxruntime-web then copies each weight into its wasm heap once, from bytes mounted under `location`,
 * instead of copying the whole model in and every initializer out of it. Null when nothing is worth moving (a model
 * already in external-data form, or one of small tensors); throws when the bytes are not a protobuf message.
 */
export function graphWithoutWeights(read: ReadRange, sizeBytes: number, location: string, minBytes = MIN_OUTSIDE_TENSOR_BYTES): GraphWithoutWeights | null {
  const walk: Walk = { reader: new WindowedReader(read, sizeBytes), location, minBytes, movedTensors: 0, movedBytes: 0, alreadyExternal: false };
  const parts: Uint8Array[] = [];
  for (const field of wireFields(walk.reader, 0, sizeBytes)) {
    parts.push(field.fieldNumber === MODEL_GRAPH && isLengthDelimited(field) ? lengthDelimitedField(MODEL_GRAPH, graphPayload(walk, field)) : walk.reader.bytes(field.start, field.end));
  }
  if (walk.alreadyExternal || walk.movedTensors === 0) return null;
  return { graph: concatBytes(parts), movedTensors: walk.movedTensors, movedBytes: walk.movedBytes };
}

/** Reads a model held in memory. */
export const readFromMemory =
  (file: Uint8Array): ReadRange =>
  (start, end) =>
    file.subarray(start, end);
