import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest';
import { probePacks } from './packProbe';

function component(modelId: string, files: { path: string; sizeBytes: number }[]) {
  return {
    modelId,
    source: { kind: 'generated', script: 'make:tiny-pack' },
    licence: { spdx: 'MIT' },
    dtype: { webgpu: 'fp32', wasm: 'fp32' },
    files: files.map((file) => ({ ...file, sha256: null, verified: false })),
  };
}

const manifest = parseManifest({
  schemaVersion: 1,
  packs: {
    tiny: {
      description: 'generated',
      components: {
        vad: component('vad', [{ path: 'vad/silero.onnx', sizeBytes: 10 }]),
        asr: component('tiny/whisper', [{ path: 'tiny/whisper/onnx/encoder_model.onnx', sizeBytes: 100 }]),
        llm: component('tiny/llm', [{ path: 'tiny/llm/onnx/model.onnx', sizeBytes: 1000 }]),
        tts: component('tiny/kokoro', [{ path: 'tiny/kokoro/onnx/model.onnx', sizeBytes: 5 }]),
      },
    },
    default: {
      description: 'laptop',
      components: {
        vad: component('vad', [{ path: 'vad/silero.onnx', sizeBytes: 10 }]),
        asr: component('w', [{ path: 'w/encoder.onnx', sizeBytes: 1 }]),
        llm: component('l', [{ path: 'l/model.onnx', sizeBytes: 1 }]),
        tts: component('k', [{ path: 'k/model.onnx', sizeBytes: 1 }]),
      },
    },
  },
});

/** A server holding the tiny pack only; like Vite's dev server it answers anything else with index.html. */
const server: typeof fetch = async (input) => {
  const path = String(input).replace('/models/', '');
  const held = ['vad/silero.onnx', 'tiny/whisper/onnx/encoder_model.onnx', 'tiny/llm/onnx/model.onnx', 'tiny/kokoro/onnx/model.onnx'];
  return held.includes(path)
    ? new Response(null, { headers: { 'content-type': 'application/octet-stream' } })
    : new Response(null, { headers: { 'content-type': 'text/html' } });
};

describe('probePacks', () => {
  it('finds the complete packs, lists what the others miss, and orders by preference', async () => {
    const packs = await probePacks(manifest, '/models/', server, async () => false);
    expect(packs.map((p) => p.pack)).toEqual(['default', 'tiny']);
    expect(packs[0]).toMatchObject({ complete: false, missing: ['w/encoder.onnx', 'l/model.onnx', 'k/model.onnx'], totalBytes: 13 });
    expect(packs[1]).toMatchObject({ complete: true, missing: [], totalBytes: 1115 });
  });

  it('counts an unreachable server as nothing present', async () => {
    const offline: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect((await probePacks(manifest, '/models/', offline, async () => false)).every((p) => !p.complete)).toBe(true);
  });

  it('counts cached files as present when the server is gone', async () => {
    const offline: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const packs = await probePacks(manifest, '/models/', offline, async (url) => !url.includes('/w/') && !url.includes('/l/') && !url.includes('/k/'));
    expect(packs.find((p) => p.pack === 'tiny')?.complete).toBe(true);
  });
});
