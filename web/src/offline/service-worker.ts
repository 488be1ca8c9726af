// The service worker that lets the standalone site reload without a network (built into dist/sw.js by
// scripts/vite-offline-plugin.ts, registered by register.ts). Install precaches the build's files; activate deletes
// the caches of earlier builds; fetch answers the site's own files by routing.ts and stays out of everything else
// (other origins, non-GET, Range requests, dumps opened with ?url=). Typed with the WebWorker lib (tsconfig.sw.json).
import { cacheName, isStaleCache, type PrecacheManifest } from './precache';
import { routeRequest, routeTable, type CachedRoute } from './routing';

declare const self: ServiceWorkerGlobalScope;
// Replaced at build time by the manifest as a JSON literal (precache.ts's MANIFEST_PLACEHOLDER; the build fails
// when it is missing).
declare const __KDMPVIEW_PRECACHE_MANIFEST__: PrecacheManifest;

const manifest = __KDMPVIEW_PRECACHE_MANIFEST__;
const scope = self.registration.scope;
const cache = cacheName(manifest.version, scope);
const routes = routeTable(manifest, scope);

self.addEventListener('install', (event) => {
  // A new build takes over as soon as its files are cached: pages are network-first, so they match it once online.
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  // claim(): a page opened before the worker was installed loads its worker and wasm from the cache too.
  event.waitUntil(deleteStaleCaches().then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const route = routeRequest({ method: request.method, url: request.url, hasRange: request.headers.has('range') }, routes);
  if (route.strategy === 'network') return;
  event.respondWith(answer(request, route, (work) => event.waitUntil(work)));
});

async function precache(): Promise<void> {
  const storage = await caches.open(cache);
  // cache: 'reload' goes past the HTTP cache, so a stale copy of an unhashed file (index.html) is never precached.
  await storage.addAll(manifest.files.map((path) => new Request(new URL(path, scope), { cache: 'reload' })));
}

async function deleteStaleCaches(): Promise<void> {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => isStaleCache(name, cache, scope)).map((name) => caches.delete(name)));
}

async function answer(request: Request, route: CachedRoute, keepAlive: (work: Promise<unknown>) => void): Promise<Response> {
  const storage = await caches.open(cache);
  const remember = (response: Response) => {
    // Only a whole, same-origin answer (never a 206, an error page or a redirect) stands in for the file later.
    if (response.status === 200 && response.type === 'basic' && !response.redirected) {
      keepAlive(storage.put(route.cacheKey, response.clone()));
    }
    return response;
  };
  if (route.strategy === 'cache-first') {
    return (await storage.match(route.cacheKey)) ?? remember(await fetch(request));
  }
  try {
    return remember(await fetch(request));
  } catch (error) {
    const cached = await storage.match(route.cacheKey);
    if (cached) return cached;
    throw error;
  }
}
