import { describe, expect, it } from 'vitest';
import { cachedModelFile, type ResponseCache } from './cachedModelFile';

class MapCache implements ResponseCache {
  readonly stored = new Map<string, Uint8Array>();
  async match(url: string) {
    const bytes = this.stored.get(url);
    return bytes ? new Response(bytes.slice()) : undefined;
  }
  async put(url: string, response: Response) {
    this.stored.set(url, new Uint8Array(await response.arrayBuffer()));
  }
}

describe('cachedModelFile', () => {
  it('stores a fetched file and serves it again without the network', async () => {
    const cache = new MapCache();
    let requests = 0;
    const server: typeof fetch = async () => {
      requests++;
      return new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } });
    };
    expect([...(await cachedModelFile('/models/vad/x.onnx', 'fix', cache, undefined, server))]).toEqual([1, 2, 3]);
    const offline: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect([...(await cachedModelFile('/models/vad/x.onnx', 'fix', cache, undefined, offline))]).toEqual([1, 2, 3]);
    expect(requests).toBe(1);
  });

  it('still returns the file when the cache refuses to store it', async () => {
    const full: ResponseCache = { match: async () => undefined, put: async () => Promise.reject(new DOMException('quota', 'QuotaExceededError')) };
    const server: typeof fetch = async () => new Response(new Uint8Array([7]), { headers: { 'content-type': 'application/octet-stream' } });
    expect([...(await cachedModelFile('/m.onnx', 'fix', full, undefined, server))]).toEqual([7]);
  });
});
