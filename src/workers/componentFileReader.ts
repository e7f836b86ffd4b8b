// A pack component's files as a worker reads them: from the pack's Cache Storage, else fetched from the page's origin.
import { cachedModelFile, MODEL_CACHE_NAME } from '../models/cachedModelFile';
import type { ReadComponentFile } from '../models/es4r/runtime/loadEs4r';

const PACK_REMEDY = 'The file is part of the model pack; fetch the pack again.';

export function componentFileReader(componentUrl: string): ReadComponentFile {
  const base = componentUrl.endsWith('/') ? componentUrl : `${componentUrl}/`;
  const cache = caches.open(MODEL_CACHE_NAME).catch(() => null);
  return async (path) => cachedModelFile(`${base}${path}`, PACK_REMEDY, await cache);
}
