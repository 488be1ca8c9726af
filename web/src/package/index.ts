// The npm package's browser entry ("kdmpview"): openDump() runs each dump in a Web Worker. worker.js and
// kdmpview.wasm sit next to this file; a host that serves them elsewhere says where with init().
import { openDumpInWorker } from '../api/browser';
import type { DumpHandle, DumpSource } from '../api/types';

export { KdmpError } from '../api/errors';
export { encodePattern } from '../pattern';
export type * from '../api/types';

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

/** Opens a dump: a File or Blob, bytes, or the URL of a server that answers HTTP range requests. */
export function openDump(source: DumpSource, options: InitOptions = {}): Promise<DumpHandle> {
  const workerUrl = options.workerUrl ?? defaults.workerUrl ?? new URL(/* @vite-ignore */ './worker.js', import.meta.url);
  const wasmUrl = options.wasmUrl ?? defaults.wasmUrl;
  return openDumpInWorker(source, {
    createWorker: () => new Worker(workerUrl, { type: 'module' }),
    ...(wasmUrl !== undefined ? { wasmUrl } : {}),
  });
}
