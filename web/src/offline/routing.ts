// Which strategy the service worker uses for a request, as a pure function of the request's method, URL and Range
// header (tested in Node, tests/web/offline-routing.test.ts).
import { EMBED_CONFIG_FILE, SAMPLE_FILE, type PrecacheManifest } from './precache';

/**
 * - cache-first: the cached copy, else the network (and keep what it returns). Hashed assets (the disassemblers
 *   only once used), and the sample.
 * - network-first: the network, keeping a copy, else the cached copy (offline). Pages, the allow-list, and the
 *   files whose names stay the same from one build to the next.
 * - network: the worker stays out of the way (no respondWith): the browser fetches as if it were not there.
 */
export type Strategy = 'cache-first' | 'network-first' | 'network';

/** A request the worker answers: how, and the URL its copy is cached under (the file's, without a query). */
export interface CachedRoute {
  readonly strategy: Exclude<Strategy, 'network'>;
  readonly cacheKey: string;
}

export type Route = CachedRoute | { readonly strategy: 'network' };

export interface RequestFacts {
  readonly method: string;
  /** Absolute. */
  readonly url: string;
  /** A Range request (a dump read with ?url=) is never answered from, nor written to, the cache. */
  readonly hasRange: boolean;
}

/** Absolute URL without query or fragment -> where its cached copy lives and how to fetch it. */
export type RouteTable = ReadonlyMap<string, CachedRoute>;

/** The routes of the site's own files; `scope` is the service worker's scope (the site's directory, ending in "/"). */
export function routeTable(manifest: PrecacheManifest, scope: string): RouteTable {
  const table = new Map<string, CachedRoute>();
  const hashed = new Set(manifest.hashed);
  const add = (path: string, strategy: CachedRoute['strategy']) => {
    const cacheKey = new URL(path, scope).href;
    table.set(cacheKey, { strategy, cacheKey });
  };
  for (const path of manifest.files) add(path, hashed.has(path) ? 'cache-first' : 'network-first');
  for (const path of manifest.onDemand) add(path, 'cache-first');
  add(SAMPLE_FILE, 'cache-first');
  add(EMBED_CONFIG_FILE, 'network-first');
  // The site's directory itself is its index page ("/kdmp/" and "/kdmp/index.html" share one cached copy).
  const index = table.get(new URL('index.html', scope).href);
  if (index) table.set(new URL(scope).href, index);
  return table;
}

export function routeRequest(request: RequestFacts, table: RouteTable): Route {
  if (request.method !== 'GET' || request.hasRange) return { strategy: 'network' };
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { strategy: 'network' };
  }
  // Other origins are never in the table (its keys are under the scope); the query is dropped so that
  // "index.html?url=/x.dmp" finds the page.
  return table.get(`${url.origin}${url.pathname}`) ?? { strategy: 'network' };
}
