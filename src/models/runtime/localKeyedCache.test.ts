import { describe, expect, it } from 'vitest';
import { localKeyedCache, localKeyFor } from './localKeyedCache';

describe('localKeyFor', () => {
  it("maps transformers.js' hub key of a local model's file to the URL the file is served from", () => {
    expect(localKeyFor('https://huggingface.co/scale/SmolLM2-360M-Instruct/resolve/main/onnx/model_q4.onnx', 'https://huggingface.co/', '/models/')).toBe(
      '/models/scale/SmolLM2-360M-Instruct/onnx/model_q4.onnx',
    );
    expect(localKeyFor('https://huggingface.co/tiny/llm/resolve/abc123/tokenizer.json', 'https://huggingface.co/', '/app/models/')).toBe('/app/models/tiny/llm/tokenizer.json');
  });

  it('leaves local keys and keys it cannot read as they are', () => {
    expect(localKeyFor('/models/tiny/llm/config.json', 'https://huggingface.co/', '/models/')).toBe('/models/tiny/llm/config.json');
    expect(localKeyFor('https://huggingface.co/no-resolve-part', 'https://huggingface.co/', '/models/')).toBe('https://huggingface.co/no-resolve-part');
  });
});

describe('localKeyedCache', () => {
  it('stores and finds each file under its mapped key, opening the cache once', async () => {
    const stored = new Map<string, Response>();
    let opens = 0;
    const fake = { match: async (key: string) => stored.get(key), put: async (key: string, response: Response) => void stored.set(key, response) } as unknown as Cache;
    const cache = localKeyedCache(async () => (opens++, fake), (key) => key.replace('remote:', '/models/'));
    await cache.put('remote:a.onnx', new Response('weights'));
    expect([...stored.keys()]).toEqual(['/models/a.onnx']);
    expect(await (await cache.match('remote:a.onnx'))?.text()).toBe('weights');
    expect(await cache.match('remote:b.onnx')).toBeUndefined();
    expect(opens).toBe(1);
  });
});
