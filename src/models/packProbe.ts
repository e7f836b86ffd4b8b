import { packFilesThatRun, type Manifest } from './manifest';

export interface PackAvailability {
  pack: string;
  complete: boolean;
  /** Files absent (or answered with a web page) on this origin. */
  missing: string[];
  /** Sum of the manifest's known file sizes. */
  totalBytes: number;
}

/** Packs in the order the page prefers them when the user has not chosen. */
export const PACK_PREFERENCE = ['default', 'quality', 'lite', 'tiny'];

/** Files already in Cache Storage count as present, so a reload works offline. */
async function inCacheStorage(url: string): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return (await caches.match(url).catch(() => undefined)) !== undefined;
}

/**
 * Asks the cache, then the server with HEAD requests, which packs are fully present. A dev
 * server answers a missing file with index.html, so a web page counts as missing.
 */
export async function probePacks(
  manifest: Manifest,
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
  isCached: (url: string) => Promise<boolean> = inCacheStorage,
): Promise<PackAvailability[]> {
  const present = new Map<string, Promise<boolean>>();
  const askServer = (url: string) =>
    fetchImpl(url, { method: 'HEAD' })
      .then((response) => response.ok && !(response.headers.get('content-type') ?? '').includes('text/html'))
      .catch(() => false);
  const isPresent = (path: string) => {
    let probe = present.get(path);
    if (!probe) {
      const url = `${baseUrl}${path}`;
      probe = isCached(url).then((cached) => cached || askServer(url));
      present.set(path, probe);
    }
    return probe;
  };
  const packs = Object.keys(manifest.packs).sort((a, b) => rank(a) - rank(b));
  return Promise.all(
    packs.map(async (pack) => {
      // Complete when wasm's dtype is there: offline, the cache holds only the dtypes this device ran, and wasm's.
      const files = packFilesThatRun(manifest, pack, ({ component }) => [component.dtype.wasm]);
      const checks = await Promise.all(files.map(({ file }) => isPresent(file.path)));
      const missing = files.filter((_, i) => !checks[i]).map(({ file }) => file.path);
      const totalBytes = files.reduce((sum, { file }) => sum + (file.sizeBytes ?? 0), 0);
      return { pack, complete: missing.length === 0, missing, totalBytes };
    }),
  );
}

function rank(pack: string): number {
  const index = PACK_PREFERENCE.indexOf(pack);
  return index === -1 ? PACK_PREFERENCE.length : index;
}
