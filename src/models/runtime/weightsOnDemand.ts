import type { ReadRange } from './protobufWire';
import { graphWithoutWeights } from './weightsOutsideGraph';

/**
 * Bytes that onnxruntime-web can mount as a model's external data without their being in memory: it asks mounted
 * data only for `byteLength` and `subarray(start, end)`, once per weight as it copies that weight into its heap (or
 * onto the GPU), so each call reads just that weight. A Uint8Array, since onnxruntime passes Uint8Arrays through
 * unread; a test (weightsOnDemand.test.ts) runs a model from it in onnxruntime, so a runtime that reads mounted data
 * otherwise fails there.
 */
export function bytesOnDemand(sizeBytes: number, read: ReadRange): Uint8Array {
  const bytes = new Uint8Array(0);
  Object.defineProperties(bytes, {
    byteLength: { value: sizeBytes },
    subarray: { value: (start = 0, end = sizeBytes) => read(start, end) },
  });
  return bytes;
}

/** Reads a Blob synchronously, as onnxruntime's external-data callback needs: in a worker, from disk for a cached file. */
export function readBlobSync(blob: Blob): ReadRange {
  const reader = new FileReaderSync();
  return (start, end) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(start, end)));
}

const waiting = new Map<string, Uint8Array>();
let served = 0;

/**
 * The graph of the model in `file`, its weights left in the file and read one at a time when onnxruntime creates the
 * session (`takeWeightsOnDemand`); null when it has no weights worth leaving there. Throws when the file is not ONNX.
 */
export function graphReadingWeightsOnDemand(file: Blob, read: ReadRange = readBlobSync(file)): Uint8Array<ArrayBuffer> | null {
  served += 1;
  const location = `es4r-weights-on-demand-${served}.bin`;
  const hollow = graphWithoutWeights(read, file.size, location);
  if (!hollow) return null;
  waiting.set(location, bytesOnDemand(file.size, read));
  return hollow.graph;
}

/** The weights a graph from graphReadingWeightsOnDemand points at, to mount for its session; each is handed out once. */
export function takeWeightsOnDemand(locations: Iterable<string>): { path: string; data: Uint8Array }[] {
  const mounts: { path: string; data: Uint8Array }[] = [];
  for (const path of new Set(locations)) {
    const data = waiting.get(path);
    if (!data) continue;
    waiting.delete(path);
    mounts.push({ path, data });
  }
  return mounts;
}
