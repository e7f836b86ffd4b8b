import type { FileProgress } from '../loadModel';
import type { ModelFileCache } from './localKeyedCache';
import type { ReadRange } from './protobufWire';
import { graphReadingWeightsOnDemand, readBlobSync } from './weightsOnDemand';

export interface GraphsFromCacheOptions {
  /** The file's local URL for transformers.js' cache key. */
  urlFor(key: string): string;
  /** Fetches a file the cache lacks; its failure is left to transformers.js' own fetch, which reports it. */
  fetchFile(url: string): Promise<Response>;
  onFileProgress(progress: FileProgress): void;
  /** How a cached file is read synchronously; by default FileReaderSync, which only workers have (elsewhere: off). */
  readBlob?: ((blob: Blob) => ReadRange) | null;
}

/** transformers.js names a model's graph by its path under the model, e.g. `onnx/model_q4.onnx`. */
const fileNameOf = (url: string): string => url.split('/').slice(-2).join('/');
const isGraph = (url: string): boolean => url.endsWith('.onnx');

/** URLs of the graphs whose progress this cache reports itself: transformers.js only sees their small graphs. */
const reportedHere = new Set<string>();

/**
 * Whether transformers.js' progress for model `modelId`'s `file` is about a graph served here, whose real progress this
 * module reports. By URL, not file name: another model's file of the same name (a refused download) still reports.
 */
export const isGraphServedFromCache = (modelId: string, file: string): boolean => {
  for (const url of reportedHere) if (url.endsWith(`/${modelId}/${file}`)) return true;
  return false;
};

function counting(response: Response, onBytes: (loadedBytes: number) => void): Response {
  if (!response.body) return response;
  let loadedBytes = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loadedBytes += chunk.byteLength;
        onBytes(loadedBytes);
        controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, { headers: response.headers, status: response.status, statusText: response.statusText });
}

async function cachedOrDownloaded(cache: ModelFileCache, key: string, url: string, file: string, options: GraphsFromCacheOptions, refused: Set<string>): Promise<Response | undefined> {
  const hit = await cache.match(key);
  if (hit || refused.has(url)) return hit;
  const response = await options.fetchFile(url).catch(() => null);
  if (!response?.ok) return undefined;
  const declared = Number(response.headers.get('content-length'));
  const totalBytes = Number.isFinite(declared) && declared > 0 ? { totalBytes: declared } : {};
  // Streamed into the cache as it arrives, so the file is never whole in the worker's memory.
  const stored = await cache
    .put(key, counting(response, (loadedBytes) => options.onFileProgress({ file, loadedBytes, ...totalBytes })))
    .then(() => true)
    .catch(() => false);
  // A cache that refuses it (quota, a private window) leaves the file to transformers.js, which loads it whole.
  if (!stored) refused.add(url);
  return stored ? cache.match(key) : undefined;
}

/**
 * A model cache that serves transformers.js each ONNX graph without its weights, which stay in Cache Storage and are
 * read one at a time while onnxruntime creates the session (weightsOnDemand), downloading a missing graph into the
 * cache first. So a model's file is never held whole in a worker's memory beside the heap its weights are copied
 * into. Where a worker cannot read a Blob synchronously, or a file is not ONNX, the cache answers as it is.
 */
export function graphsFromCache(cache: ModelFileCache, options: GraphsFromCacheOptions): ModelFileCache {
  const refused = new Set<string>();
  const readBlob = options.readBlob !== undefined ? options.readBlob : typeof FileReaderSync !== 'undefined' ? readBlobSync : null;
  return {
    put: (key, response) => cache.put(key, response),
    async match(key) {
      const url = options.urlFor(key);
      if (!readBlob || !isGraph(url)) return cache.match(key);
      const file = fileNameOf(url);
      const found = await cachedOrDownloaded(cache, key, url, file, options, refused);
      if (!found) return undefined;
      const blob = await found.blob();
      let graph: Uint8Array<ArrayBuffer> | null;
      try {
        graph = graphReadingWeightsOnDemand(blob, readBlob(blob));
      } catch {
        graph = null;
      }
      if (!graph) return new Response(blob, { headers: found.headers });
      reportedHere.add(url);
      options.onFileProgress({ file, loadedBytes: blob.size, totalBytes: blob.size });
      return new Response(graph, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(graph.length) } });
    },
  };
}
