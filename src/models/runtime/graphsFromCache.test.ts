// transformers.js' model cache in a worker: graphs come out without their weights, which stay in the cache; a missing
// graph is streamed into the cache first, with its progress; anything else, or any trouble, is left as it was.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { linearModel } from '../../../test/support/onnxModels';
import type { FileProgress } from '../loadModel';
import { graphsFromCache, isGraphServedFromCache } from './graphsFromCache';
import { progressForwarder } from './progressForwarder';
import type { ModelFileCache } from './localKeyedCache';
import { readFromMemory } from './weightsOutsideGraph';

const { onnx } = onnxProto;
const URL_OF_GRAPH = '/models/tiny/llm/onnx/model.onnx';

/** A cache over a Map that reads its stored bodies, and a reader that knows each stored blob's bytes. */
function memoryCache(putFails = false) {
  const stored = new Map<string, Uint8Array>();
  const blobs = new WeakMap<Blob, Uint8Array>();
  const cache: ModelFileCache = {
    async match(key) {
      const bytes = stored.get(key);
      if (!bytes) return undefined;
      const response = new Response(bytes.slice());
      // A cached body read as a blob is the stored file; the reader reads that file's bytes.
      const blob = new Blob([bytes.slice()]);
      blobs.set(blob, bytes);
      Object.defineProperty(response, 'blob', { value: async () => blob });
      return response;
    },
    async put(key, response) {
      if (putFails) throw new DOMException('quota', 'QuotaExceededError');
      stored.set(key, new Uint8Array(await response.arrayBuffer()));
    },
  };
  return { cache, stored, readBlob: (blob: Blob) => readFromMemory(blobs.get(blob)!) };
}

function served(files: Record<string, Uint8Array>, putFails = false) {
  const memory = memoryCache(putFails);
  const fetched: string[] = [];
  const progress: FileProgress[] = [];
  const cache = graphsFromCache(memory.cache, {
    urlFor: (key) => key,
    fetchFile: async (url) => {
      fetched.push(url);
      const bytes = files[url];
      if (!bytes) throw new Error('offline');
      return new Response(bytes.slice(), { headers: { 'content-length': String(bytes.length) } });
    },
    onFileProgress: (event) => progress.push(event),
    readBlob: memory.readBlob,
  });
  return { cache, fetched, progress, stored: memory.stored };
}

const decodeInitializers = async (response: Response | undefined) => onnx.ModelProto.decode(new Uint8Array(await response!.arrayBuffer())).graph!.initializer!;

describe('graphsFromCache', () => {
  it('streams a missing graph into the cache, with its progress, and serves the graph without its weights', async () => {
    const model = linearModel();
    const { cache, fetched, progress, stored } = served({ [URL_OF_GRAPH]: model });
    const initializers = await decodeInitializers(await cache.match(URL_OF_GRAPH));
    expect(fetched).toEqual([URL_OF_GRAPH]);
    expect(stored.get(URL_OF_GRAPH)).toEqual(new Uint8Array(model));
    expect(initializers.find((tensor) => tensor.name === 'w')!.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    expect(progress.at(-1)).toEqual({ file: 'onnx/model.onnx', loadedBytes: model.length, totalBytes: model.length });
    expect(progress.every((event, i) => i === 0 || event.loadedBytes >= progress[i - 1]!.loadedBytes)).toBe(true);
    // transformers.js reads only the small graph: its progress for that file would say so, and is not forwarded.
    expect(isGraphServedFromCache('tiny/llm', 'onnx/model.onnx')).toBe(true);
    // Another model's file of the same name is not served here: its progress still comes from transformers.js.
    expect(isGraphServedFromCache('tiny/speech_llm', 'onnx/model.onnx')).toBe(false);
    await cache.match(URL_OF_GRAPH);
    expect(fetched).toHaveLength(1);
  });

  it('passes other files through, and leaves a graph to transformers.js when it cannot be fetched or the cache refuses it', async () => {
    const model = linearModel();
    const tokenizer = served({ '/models/tiny/llm/tokenizer.json': new Uint8Array([123, 125]) });
    expect(await tokenizer.cache.match('/models/tiny/llm/tokenizer.json')).toBeUndefined();
    expect(tokenizer.fetched).toEqual([]);
    const offline = served({});
    expect(await offline.cache.match(URL_OF_GRAPH)).toBeUndefined();
    const refusing = served({ [URL_OF_GRAPH]: model }, true);
    expect(await refusing.cache.match(URL_OF_GRAPH)).toBeUndefined();
    // transformers.js then fetches it and asks the cache again before storing it: it is not downloaded a second time.
    expect(await refusing.cache.match(URL_OF_GRAPH)).toBeUndefined();
    expect(refusing.fetched).toHaveLength(1);
  });

  it('drops transformers.js\' progress only for the graphs it served, not for another model\'s file of the same name', async () => {
    const url = '/models/tiny/tts/onnx/model_quantized.onnx';
    await served({ [url]: linearModel() }).cache.match(url);
    const forwarded: FileProgress[] = [];
    const forward = progressForwarder((event) => forwarded.push(event));
    forward({ status: 'progress', name: 'tiny/tts', file: 'onnx/model_quantized.onnx', loaded: 10, total: 20 });
    forward({ status: 'progress', name: 'lite/tts', file: 'onnx/model_quantized.onnx', loaded: 10, total: 20 });
    expect(forwarded).toEqual([{ file: 'onnx/model_quantized.onnx', loadedBytes: 10, totalBytes: 20 }]);
  });

  it('serves a cached file that is not ONNX as it is, for onnxruntime to report', async () => {
    const notOnnx = new Uint8Array([0x0b, 1, 2, 3]);
    const { cache } = served({ [URL_OF_GRAPH]: notOnnx });
    const response = await cache.match(URL_OF_GRAPH);
    expect(new Uint8Array(await response!.arrayBuffer())).toEqual(notOnnx);
  });
});
