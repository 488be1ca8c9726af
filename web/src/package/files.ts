// Where the browser package's files are. init() (exported by "kdmpview") sets them once for both browser entries,
// openDump (index.js) and <kdmp-viewer> (element.js); by default they are next to the entry, which passes its own
// `new URL('./worker.js', import.meta.url)` (a shared chunk sits in chunks/, so it cannot compute that itself).

export interface InitOptions {
  /** The URL of kdmpview.wasm (default: next to worker.js). */
  wasmUrl?: string | URL;
  /** The URL of worker.js (default: next to this module). It must be same-origin with the page. */
  workerUrl?: string | URL;
}

let defaults: InitOptions = {};

/** Where the package's files are, for hosts that do not serve them next to this module. */
export function init(options: InitOptions): void {
  defaults = { ...defaults, ...options };
}

/** The worker and wasm URLs: `options`, else init()'s, else the worker next to the entry. */
export function packageFiles(options: InitOptions, workerNextToEntry: URL): { workerUrl: string | URL; wasmUrl?: string | URL } {
  const workerUrl = options.workerUrl ?? defaults.workerUrl ?? workerNextToEntry;
  const wasmUrl = options.wasmUrl ?? defaults.wasmUrl;
  return wasmUrl !== undefined ? { workerUrl, wasmUrl } : { workerUrl };
}
