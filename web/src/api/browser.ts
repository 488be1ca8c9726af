// openDump in the browser: one worker per dump, which reads the File, Blob, bytes or URL synchronously.
import { DumpClient } from '../client';
import type { OpenSource } from '../protocol';
import { openWithClient } from './dump';
import type { DumpHandle, DumpSource } from './types';

export interface WorkerOpenOptions {
  /** Starts the worker (web/src/worker/worker.ts, built). */
  createWorker: () => Worker;
  /** Where kdmpview.wasm is, when not next to the worker's glue; resolved against the page. */
  wasmUrl?: string | URL;
}

function openSource(source: DumpSource): OpenSource {
  if (source instanceof Blob) return { kind: 'blob', blob: source };
  if (source instanceof Uint8Array) return { kind: 'bytes', bytes: source };
  // The worker has its own location: resolve against the page's.
  return { kind: 'url', url: new URL(String(source), globalThis.location?.href).href };
}

export async function openDumpInWorker(source: DumpSource, options: WorkerOpenOptions): Promise<DumpHandle> {
  const worker = options.createWorker();
  const client = new DumpClient(worker);
  const dispose = () => {
    client.fail('the dump is closed');
    worker.terminate();
  };
  const wasmUrl = options.wasmUrl === undefined ? undefined : new URL(String(options.wasmUrl), globalThis.location?.href).href;
  return openWithClient(client, openSource(source), wasmUrl, dispose);
}
