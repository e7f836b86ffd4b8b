/**
 * transformers.js keys the files it caches by the hub's URL even when it loads them from this origin
 * (`<remoteHost><model>/resolve/<revision>/<file>`). Keyed that way, the page's own offline copy (packCache) and
 * its installed-pack probe did not find them: every file of a first visit was fetched and stored a second time,
 * under its local URL, while the user's first turns ran. This maps such keys to the local URL.
 */
export function localKeyFor(key: string, remoteHost: string, localModelPath: string): string {
  if (!key.startsWith(remoteHost)) return key;
  const match = /^(.+?)\/resolve\/[^/]+\/(.+)$/u.exec(key.slice(remoteHost.length));
  return match ? `${localModelPath}${match[1]}/${match[2]}` : key;
}

/** The subset of the Cache API transformers.js' custom cache needs. */
export interface ModelFileCache {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
}

/** A cache (opened on first use) that stores and finds transformers.js' files under their local URLs. */
export function localKeyedCache(open: () => Promise<Cache>, keyFor: (key: string) => string): ModelFileCache {
  let cache: Promise<Cache> | null = null;
  const opened = () => (cache ??= open());
  return {
    match: async (key) => (await opened()).match(keyFor(key)),
    put: async (key, response) => (await opened()).put(keyFor(key), response),
  };
}
