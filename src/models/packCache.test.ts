import { describe, expect, it } from 'vitest';
import type { ResponseCache } from './cachedModelFile';
import { cachePackFiles } from './packCache';

function mapCache(initial: string[] = []): ResponseCache & { keys: Set<string> } {
  const keys = new Set(initial);
  return {
    keys,
    match: async (url) => (keys.has(url) ? new Response('x') : undefined),
    put: async (url) => {
      keys.add(url);
    },
  };
}

describe('cachePackFiles', () => {
  it('fetches only what the cache lacks and reports what the server does not have', async () => {
    const cache = mapCache(['/models/a.onnx']);
    const fetched: string[] = [];
    const server: typeof fetch = async (input) => {
      fetched.push(String(input));
      return String(input).endsWith('missing.bin')
        ? new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })
        : new Response('bytes', { headers: { 'content-type': 'application/octet-stream' } });
    };
    const failed = await cachePackFiles(['a.onnx', 'voices/v.bin', 'missing.bin'], '/models/', cache, server);
    expect(fetched).toEqual(['/models/voices/v.bin', '/models/missing.bin']);
    expect(failed).toEqual(['missing.bin']);
    expect([...cache.keys].sort()).toEqual(['/models/a.onnx', '/models/voices/v.bin']);
  });
});
