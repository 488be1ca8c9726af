// What the service worker keeps for offline use, decided at build time (scripts/vite-offline-plugin.ts) and read by
// the worker (service-worker.ts): the built files to precache and a version that changes with any of them. Pure, so
// Node (the plugin, the tests) and the worker share it.

/** Cached the first time it is opened, not at install (most visits never open it). */
export const SAMPLE_FILE = 'sample.dmp';
/** The disassemblers (iced-x86, Capstone: 4.9 MB of the site's 6 MB) are cached the first time a listing needs them,
 *  not at install: a visit that never shows code never downloads them. Matched by Vite's chunk names. */
const ON_DEMAND = /^(iced|capstone)[\w-]*-[\w-]+\.(js|wasm)$/;
/** The iframe's origin allow-list: a deployment edits it, so it is always fetched fresh while online. */
export const EMBED_CONFIG_FILE = 'embed-config.json';
/** The identifier the plugin replaces, in the built sw.js, with the manifest as a JSON literal. */
export const MANIFEST_PLACEHOLDER = '__KDMPVIEW_PRECACHE_MANIFEST__';

const CACHE_PREFIX = 'kdmpview-';

export interface PrecacheManifest {
  /** Changes whenever a built file is added, removed or changed: part of the cache's name. */
  readonly version: string;
  /** Paths relative to the site's root, sorted: the built files but the sample and the allow-list. */
  readonly files: readonly string[];
  /** The files whose names carry a content hash (Vite's assets directory): a cached copy never goes stale. */
  readonly hashed: readonly string[];
  /** Hashed files cached the first time they are fetched instead of at install (the disassemblers). */
  readonly onDemand: readonly string[];
}

export interface BuiltFile {
  /** Relative to the site's root, with "/" separators ("assets/index-abc123.js"). */
  readonly path: string;
  /** Any string that changes with the file's bytes (the plugin uses SHA-256). */
  readonly digest: string;
}

/**
 * The manifest for one build. `built`: every file of the site but the service worker itself (which the browser
 * fetches and keeps on its own); `assetsDir`: Vite's build.assetsDir ("assets"), where every name is hashed.
 */
export function precacheManifest(built: readonly BuiltFile[], assetsDir: string): PrecacheManifest {
  const sorted = [...built].sort((a, b) => compare(a.path, b.path));
  const hashedPrefix = `${assetsDir.replace(/\/+$/, '')}/`;
  const onDemand = (path: string) => path.startsWith(hashedPrefix) && ON_DEMAND.test(path.slice(hashedPrefix.length));
  const files = sorted.map((file) => file.path).filter((path) => isPrecached(path) && !onDemand(path));
  return {
    version: fnv1a32(sorted.map((file) => `${file.path}\n${file.digest}\n`).join('')),
    files,
    hashed: files.filter((path) => path.startsWith(hashedPrefix)),
    onDemand: sorted.map((file) => file.path).filter(onDemand),
  };
}

function isPrecached(path: string): boolean {
  // Dot files (a stamp, .vite/ metadata) are build bookkeeping, not part of the site.
  if (path.split('/').some((part) => part.startsWith('.'))) return false;
  return path !== SAMPLE_FILE && path !== EMBED_CONFIG_FILE;
}

/**
 * The cache of one build of the site at one scope. The scope is part of the name because the caches belong to the
 * origin: two copies of the site under two sub-paths of one origin must not delete each other's cache.
 */
export function cacheName(version: string, scope: string): string {
  return `${CACHE_PREFIX}${version} ${scope}`;
}

/** True for a cache an earlier build of the site at this scope left behind (deleted when a new build activates). */
export function isStaleCache(name: string, current: string, scope: string): boolean {
  return name !== current && name.startsWith(CACHE_PREFIX) && name.endsWith(` ${scope}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** FNV-1a over the UTF-16 code units, as 8 hex digits: enough to tell one build's file list from the next. */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
