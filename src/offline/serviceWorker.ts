import { MODEL_CACHE_NAME } from '../models/cachedModelFile';
import { BROWSER_HAS_JSPI } from '../models/jspi';
import { routeRequest, shellCacheName, shellFilesFor, staleShellCaches, type AppShellManifest } from './appShell';

/** Thin shell around ./appShell.ts, built to /sw.js; the build replaces this placeholder with the list of its files. */
declare const __APP_SHELL__: AppShellManifest;
declare const self: ServiceWorkerGlobalScope;

const shell = __APP_SHELL__;
const shellFiles = new Set(shellFilesFor(shell.files, BROWSER_HAS_JSPI));
const shellCache = shellCacheName(shell.version);
const INDEX = 'index.html';

self.addEventListener('install', (event) => {
  // The whole shell at once, workers and worklets included, so that a page never runs half old, half new.
  event.waitUntil(
    caches
      .open(shellCache)
      .then((cache) => cache.addAll([...shellFiles].map((file) => new URL(file, self.registration.scope).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(staleShellCaches(names, shell.version).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  switch (routeRequest(request, self.registration.scope, shellFiles)) {
    case 'page':
      event.respondWith(networkElse(request, () => fromCache(shellCache, new URL(INDEX, self.registration.scope).href)));
      return;
    case 'shell':
      event.respondWith(fromCache(shellCache, request).then((cached) => cached ?? fetch(request)));
      return;
    case 'model':
      // transformers.js and the page already read this cache before fetching; this answers whatever still asks the network.
      event.respondWith(networkElse(request, () => fromCache(MODEL_CACHE_NAME, request)));
      return;
    case 'network':
      return;
  }
});

async function fromCache(cacheName: string, request: Request | string): Promise<Response | undefined> {
  const cache = await caches.open(cacheName);
  return cache.match(request);
}

/** The network's answer; when the network is gone, the cached copy, else the network's own error. */
async function networkElse(request: Request, cached: () => Promise<Response | undefined>): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const response = await cached();
    if (response) return response;
    throw error;
  }
}
