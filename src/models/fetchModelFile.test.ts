import { describe, expect, it } from 'vitest';
import { fetchModelFile, fetchModelResponse, ModelFileError } from './fetchModelFile';

const REMEDY = "Run 'npm install' to copy it.";

function serving(body: BodyInit | null, init: ResponseInit): typeof fetch {
  return async () => new Response(body, init);
}

describe('fetchModelFile', () => {
  it('returns the bytes and reports progress up to the declared size', async () => {
    const payload = new Uint8Array([8, 1, 2, 3, 4]);
    const seen: number[] = [];
    const bytes = await fetchModelFile('/models/vad/x.onnx', REMEDY, (p) => seen.push(p.loadedBytes), serving(payload, {
      headers: { 'content-type': 'application/octet-stream', 'content-length': '5' },
    }));
    expect([...bytes]).toEqual([8, 1, 2, 3, 4]);
    expect(seen.at(-1)).toBe(5);
  });

  it("treats a dev server's index.html fallback as a missing file", async () => {
    const pending = fetchModelFile('/models/vad/x.onnx', REMEDY, undefined, serving('<!doctype html>', { headers: { 'content-type': 'text/html' } }));
    await expect(pending).rejects.toBeInstanceOf(ModelFileError);
    await expect(pending).rejects.toThrow("/models/vad/x.onnx: is missing (the server sent a web page instead). Run 'npm install' to copy it.");
  });

  it('names the status of a failed response', async () => {
    await expect(fetchModelFile('/m.onnx', REMEDY, undefined, serving(null, { status: 404, statusText: 'Not Found' }))).rejects.toThrow(
      '/m.onnx: the server answered 404 Not Found',
    );
  });

  it('rejects an empty file and a network failure', async () => {
    await expect(fetchModelFile('/m.onnx', REMEDY, undefined, serving(new Uint8Array(0), {}))).rejects.toThrow('/m.onnx: is empty');
    const offline: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(fetchModelFile('/m.onnx', REMEDY, undefined, offline)).rejects.toThrow('could not be fetched (Failed to fetch)');
  });
});

describe('fetchModelResponse', () => {
  it('hands back the response untouched, with the request options it was given', async () => {
    let seenInit: RequestInit | undefined;
    const response = await fetchModelResponse('/m.onnx', REMEDY, { headers: { range: 'bytes=0-1' } }, async (_url, init) => {
      seenInit = init;
      return new Response(new Uint8Array([1, 2]), { headers: { 'content-type': 'application/octet-stream' } });
    });
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2]);
    expect(seenInit).toEqual({ headers: { range: 'bytes=0-1' } });
  });

  it('turns a rejected fetch into a ModelFileError that names the file, the cause and the remedy', async () => {
    const pending = fetchModelResponse('/models/x/onnx/model_q4.onnx', REMEDY, undefined, async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(pending).rejects.toBeInstanceOf(ModelFileError);
    await expect(pending).rejects.toThrow("/models/x/onnx/model_q4.onnx: could not be fetched (Failed to fetch). Run 'npm install' to copy it.");
  });
});
