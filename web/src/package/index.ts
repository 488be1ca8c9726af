// The npm package's browser entry ("kdmpview"): openDump() runs each dump in a Web Worker. worker.js and
// kdmpview.wasm sit next to this file; a host that serves them elsewhere says where with init().
import { openDumpInWorker } from '../api/browser';
import type { DumpHandle, DumpSource } from '../api/types';
import { packageFiles, type InitOptions } from './files';

export { KdmpError } from '../api/errors';
export { encodePattern } from '../pattern';
export type * from '../api/types';
export { init, type InitOptions } from './files';

/** Opens a dump: a File or Blob, bytes, or the URL of a server that answers HTTP range requests. */
export function openDump(source: DumpSource, options: InitOptions = {}): Promise<DumpHandle> {
  const { workerUrl, wasmUrl } = packageFiles(options, new URL(/* @vite-ignore */ './worker.js', import.meta.url));
  return openDumpInWorker(source, {
    createWorker: () => new Worker(workerUrl, { type: 'module' }),
    ...(wasmUrl !== undefined ? { wasmUrl } : {}),
  });
}
