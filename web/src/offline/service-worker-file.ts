// The service worker's file name, shared by the build (scripts/vite-offline-plugin.ts) and the page (register.ts).
// Not in precache.ts: the worker imports that, and a module both the page and the worker import would become a
// shared chunk, which a classic service worker script cannot load.

/** In the site's root, so its scope is the site's directory, whatever the sub-path. */
export const SERVICE_WORKER_FILE = 'sw.js';
