import { env } from '@huggingface/transformers';
import { InferenceSession, Tensor } from 'onnxruntime-web/webgpu';
import { fetchModelResponse, ModelFileError } from '../fetchModelFile';
import { MODEL_CACHE_NAME } from '../cachedModelFile';
import { ORT_BUILDS, type OrtBuild } from '../ortWasmPaths';
import { packRemedy } from './packRemedy';
import { localKeyedCache, localKeyFor, type ModelFileCache } from './localKeyedCache';
import { graphsFromCache } from './graphsFromCache';
import type { FileProgress } from '../loadModel';
import { prepareSessionsFromBytes } from './sessionsFromBytes';

/**
 * transformers.js in the page: models only from /models/ on this origin, onnxruntime's `build` served by the
 * app, files kept in the Cache API so a reload works offline, and any file the
 * server does not really have reported with its name and the command that fetches it.
 */
export function configureTransformers(pack: string, wasmThreads: number, build: OrtBuild): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${import.meta.env.BASE_URL}models/`;
  env.useBrowserCache = true;
  // One cache for every model file, ours and transformers.js', each under the URL it is served from, so offline
  // availability is one question and a file is stored once.
  env.cacheKey = MODEL_CACHE_NAME;
  if (typeof caches !== 'undefined') {
    env.useCustomCache = true;
    env.customCache = localKeyedCache(() => caches.open(MODEL_CACHE_NAME), urlForKey);
  }
  // transformers.js would keep its own copy of the runtime binary in every worker; the service worker already
  // keeps it offline, and onnxruntime then compiles it streaming from its URL.
  env.useWasmCache = false;
  const onnxWasm = env.backends.onnx.wasm;
  if (onnxWasm) {
    onnxWasm.wasmPaths = ORT_BUILDS[build];
    onnxWasm.numThreads = wasmThreads;
  }
  const remedy = `${packRemedy(pack)}.`;
  env.fetch = async (input: string | URL, init?: RequestInit) => {
    try {
      return await fetchModelResponse(String(input), remedy, init);
    } catch (error) {
      if (error instanceof ModelFileError) lastFileError = error;
      throw error;
    }
  };
}

const urlForKey = (key: string) => localKeyFor(key, env.remoteHost, env.localModelPath);

/**
 * A model worker's transformers.js gets each graph from the cache without its weights, which onnxruntime reads from
 * there one at a time (graphsFromCache), wrapping the cache configureTransformers set. The bench's plain recipe does
 * without.
 */
export function serveGraphsFromCache(pack: string, onFileProgress: (progress: FileProgress) => void): void {
  if (!env.customCache) return;
  const remedy = `${packRemedy(pack)}.`;
  env.customCache = graphsFromCache(env.customCache as ModelFileCache, {
    urlFor: urlForKey,
    fetchFile: (url) => fetchModelResponse(url, remedy),
    onFileProgress,
  });
}

/**
 * Every session a model worker makes from bytes (transformers.js' and the ES4R graphs': the page has one onnxruntime
 * module) copies a model's weights into the wasm heap once, not twice, and a language model on wasm hands back only
 * its cache's new rows. The bench's plain recipe does without: it is transformers.js as a web developer runs it.
 */
export function prepareOurSessions(): void {
  prepareSessionsFromBytes(InferenceSession, Tensor);
}

/** transformers.js replaces a failed fetch's error with its own "file not found"; ours names the cause and the remedy. */
let lastFileError: ModelFileError | null = null;

const pathOf = (url: string): string => new URL(url, 'http://localhost').pathname;

/**
 * The file error behind a failed load, if the load's error names the file that was missing or could not be fetched,
 * else the error itself: an optional file transformers.js failed to find earlier (and went on without) is no cause.
 */
export function explainLoadError(error: unknown): unknown {
  const fileError = lastFileError;
  lastFileError = null;
  const message = error instanceof Error ? error.message : String(error);
  return fileError && message.includes(pathOf(fileError.url)) ? fileError : error;
}
