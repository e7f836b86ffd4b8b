/** The built app's files the service worker keeps, named by the build (src/offline/build/appShellPlugin.ts). */
export interface AppShellManifest {
  /** Changes whenever any built file changes: it names the cache, so a new build never mixes with an old one. */
  version: string;
  /** Paths relative to the service worker's scope, e.g. "index.html", "assets/index-Bz61bpMf.js". */
  files: string[];
}

const SHELL_CACHE_PREFIX = 'es4r-shell-';

export function shellCacheName(version: string): string {
  return `${SHELL_CACHE_PREFIX}${version}`;
}

/** Caches of earlier builds' shells; the model cache and anything not ours are left alone. */
export function staleShellCaches(cacheNames: readonly string[], currentVersion: string): string[] {
  const current = shellCacheName(currentVersion);
  return cacheNames.filter((name) => name.startsWith(SHELL_CACHE_PREFIX) && name !== current);
}

/**
 * The shell files this browser uses: of onnxruntime's two WebGPU builds, a browser with JSPI starts the jspi one and
 * any other the asyncify one (src/models/ortWasmPaths.ts), so the other (17 or 27 MB) is not stored.
 */
export function shellFilesFor(files: readonly string[], hasJspi: boolean): string[] {
  const unused = hasJspi ? 'ort-wasm-simd-threaded.asyncify' : 'ort-wasm-simd-threaded.jspi';
  return files.filter((file) => !file.slice(file.lastIndexOf('/') + 1).startsWith(unused));
}

/**
 * How the service worker answers a request:
 * - `page`: a navigation; the network first (a new build shows at once), else the cached index.html;
 * - `shell`: a built file; from the shell cache (the names carry content hashes), else the network;
 * - `model`: a model pack file; the network first, else the pack cache the page fills itself;
 * - `network`: anything else (other methods, other origins, files the build did not make) goes untouched.
 */
export type RequestRoute = 'page' | 'shell' | 'model' | 'network';

export interface RouteInput {
  url: string;
  method: string;
  mode: string;
}

export function routeRequest(request: RouteInput, scopeUrl: string, shellFiles: ReadonlySet<string>): RequestRoute {
  const url = new URL(request.url);
  const scope = new URL(scopeUrl);
  if (request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return 'network';
  if (request.mode === 'navigate') return 'page';
  const path = url.pathname.slice(scope.pathname.length);
  if (path.startsWith('models/')) return 'model';
  return shellFiles.has(path) ? 'shell' : 'network';
}
