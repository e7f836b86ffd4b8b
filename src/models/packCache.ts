import { assertModelResponse } from './fetchModelFile';
import type { ResponseCache } from './cachedModelFile';

/**
 * Puts every file of a pack into Cache Storage, fetching only those not cached yet (voices and
 * the files a later stage loads), so that after one visit the whole pack is there offline.
 * Returns the paths it could not cache.
 */
export async function cachePackFiles(paths: readonly string[], baseUrl: string, cache: ResponseCache, fetchImpl: typeof fetch = fetch): Promise<string[]> {
  const failed: string[] = [];
  for (const path of paths) {
    const url = `${baseUrl}${path}`;
    if (await cache.match(url)) continue;
    try {
      const response = await fetchImpl(url);
      assertModelResponse(url, response, '');
      await cache.put(url, response);
    } catch {
      failed.push(path);
    }
  }
  return failed;
}
