import { describe, expect, it } from 'vitest';
import { routeRequest, shellCacheName, shellFilesFor, staleShellCaches } from './appShell';

const SCOPE = 'http://127.0.0.1:8080/';
const SHELL = new Set(['index.html', 'assets/index-abc.js', 'assets/ort-wasm-simd-threaded.asyncify-x.wasm', 'favicon.svg']);
const get = (url: string, mode = 'cors') => ({ url, method: 'GET', mode });

describe('routeRequest', () => {
  it('sends navigations to the page route, wherever they point inside the scope', () => {
    expect(routeRequest(get(SCOPE, 'navigate'), SCOPE, SHELL)).toBe('page');
    expect(routeRequest(get(`${SCOPE}?participant=7`, 'navigate'), SCOPE, SHELL)).toBe('page');
  });

  it('serves built files from the shell and pack files through the model route', () => {
    expect(routeRequest(get(`${SCOPE}assets/index-abc.js`), SCOPE, SHELL)).toBe('shell');
    expect(routeRequest(get(`${SCOPE}assets/ort-wasm-simd-threaded.asyncify-x.wasm`), SCOPE, SHELL)).toBe('shell');
    expect(routeRequest(get(`${SCOPE}models/tiny/whisper/onnx/encoder_model.onnx`), SCOPE, SHELL)).toBe('model');
    expect(routeRequest(get(`${SCOPE}models/manifest.json`), SCOPE, SHELL)).toBe('model');
  });

  it('leaves other methods, other origins, paths outside the scope and unknown files to the network', () => {
    expect(routeRequest({ url: `${SCOPE}models/manifest.json`, method: 'HEAD', mode: 'cors' }, SCOPE, SHELL)).toBe('network');
    expect(routeRequest(get('http://127.0.0.2:8080/assets/index-abc.js'), SCOPE, SHELL)).toBe('network');
    expect(routeRequest(get('http://127.0.0.1:8081/assets/index-abc.js'), SCOPE, SHELL)).toBe('network');
    expect(routeRequest(get('http://127.0.0.1:8080/app/assets/index-abc.js'), 'http://127.0.0.1:8080/demo/', SHELL)).toBe('network');
    expect(routeRequest(get(`${SCOPE}assets/index-old.js`), SCOPE, SHELL)).toBe('network');
  });

  it('resolves paths against a scope below the root', () => {
    const scope = 'http://127.0.0.1:8080/demo/';
    expect(routeRequest(get(`${scope}assets/index-abc.js`), scope, SHELL)).toBe('shell');
    expect(routeRequest(get(`${scope}models/vad/silero_vad_v5.onnx`), scope, SHELL)).toBe('model');
  });
});

describe('staleShellCaches', () => {
  it('lists earlier shells only, never the current one, the model pack cache or foreign caches', () => {
    const names = [shellCacheName('v1'), shellCacheName('v2'), 'es4r-models', 'transformers-cache', shellCacheName('v3')];
    expect(staleShellCaches(names, 'v3')).toEqual([shellCacheName('v1'), shellCacheName('v2')]);
    expect(staleShellCaches([shellCacheName('v3'), 'es4r-models'], 'v3')).toEqual([]);
  });
});

describe('shellFilesFor', () => {
  const files = ['index.html', 'assets/ort-wasm-simd-threaded-4b.wasm', 'assets/ort-wasm-simd-threaded.jspi-CP.wasm', 'assets/ort-wasm-simd-threaded.jspi-Bo.mjs', 'assets/ort-wasm-simd-threaded.asyncify-Cx.wasm', 'assets/ort-wasm-simd-threaded.asyncify-DX.mjs'];

  it("keeps the plain build and the WebGPU build this browser starts, not the other WebGPU build", () => {
    expect(shellFilesFor(files, true)).toEqual(['index.html', 'assets/ort-wasm-simd-threaded-4b.wasm', 'assets/ort-wasm-simd-threaded.jspi-CP.wasm', 'assets/ort-wasm-simd-threaded.jspi-Bo.mjs']);
    expect(shellFilesFor(files, false)).toEqual(['index.html', 'assets/ort-wasm-simd-threaded-4b.wasm', 'assets/ort-wasm-simd-threaded.asyncify-Cx.wasm', 'assets/ort-wasm-simd-threaded.asyncify-DX.mjs']);
  });
});
