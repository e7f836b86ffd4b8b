import { fetchModelFile, type FetchProgress } from './fetchModelFile';

/** The part of the Cache API this needs, so tests can pass a fake. */
export interface ResponseCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

/** Our own files (the VAD) share transformers.js' choice: Cache Storage, so a reload works offline. */
export const MODEL_CACHE_NAME = 'es4r-models';

/** A model file from the cache when it holds it, else from the server, stored for next time. */
export async function cachedModelFile(
  url: string,
  remedy: string,
  cache: ResponseCache | null,
  onProgress?: (progress: FetchProgress) => void,
  fetchImpl: typeof fetch = fetch,
): Promise<Uint8Array> {
  const hit = await cache?.match(url).catch(() => undefined);
  if (hit) return new Uint8Array(await hit.arrayBuffer());
  const bytes = await fetchModelFile(url, remedy, onProgress, fetchImpl);
  // A full quota must not stop the app: the file is simply fetched again next time.
  await cache?.put(url, new Response(bytes.slice(), { headers: { 'content-type': 'application/octet-stream' } })).catch(() => undefined);
  return bytes;
}
