// Reads the summaries of many dumps at once: a pool of dump workers, as many as the machine has cores (and at most
// MAX_WORKERS, fewer when the browser reports little memory), each opening one file after another. A worker holds
// one open dump at a time and reads it in blocks, so memory stays bounded whatever the number or size of the files.
import { KdmpError } from '../api/errors';
import { DumpClient } from '../client';
import type { Summary } from '../summary';

export const MAX_WORKERS = 8;

/** How many workers to start: the cores (navigator.hardwareConcurrency), at most one per 512 MiB of reported device
 *  memory, at most MAX_WORKERS, at most one per file. */
export function poolSize(files: number, cores = globalThis.navigator?.hardwareConcurrency ?? 2, deviceMemoryGiB?: number): number {
  const byMemory = deviceMemoryGiB ? Math.max(1, Math.floor(deviceMemoryGiB * 2)) : MAX_WORKERS;
  return Math.max(1, Math.min(files, cores || 2, byMemory, MAX_WORKERS));
}

export type SummaryResult = { summary: Summary } | { error: { code: string; message: string } };

export interface PoolOptions {
  createWorker(): Worker;
  wasmUrl?: string;
  /** After each file: how many are done. */
  onProgress?(done: number, total: number): void;
  /** Stops early (a newer open): the remaining files are not read. */
  cancelled?(): boolean;
}

/** The summary (or the error) of each file, in the files' order. */
export async function readSummaries(files: readonly Blob[], options: PoolOptions): Promise<SummaryResult[]> {
  const results: SummaryResult[] = new Array(files.length);
  const deviceMemory = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  const count = poolSize(files.length, undefined, deviceMemory);
  const wasmUrl = options.wasmUrl === undefined ? undefined : new URL(options.wasmUrl, globalThis.location?.href).href;
  let next = 0;
  let done = 0;
  const run = async () => {
    const worker = options.createWorker();
    const client = new DumpClient(worker);
    try {
      while (next < files.length && !options.cancelled?.()) {
        const index = next++;
        // Each open replaces the worker's previous dump; only the first open loads the wasm module.
        const reply = await client.request('open', { source: { kind: 'blob', blob: files[index]! }, ...(wasmUrl ? { wasmUrl } : {}) });
        results[index] = reply.ok ? { summary: reply.body.summary } : { error: reply.error };
        options.onProgress?.(++done, files.length);
      }
    } catch (e) {
      const error = e instanceof KdmpError ? { code: e.code, message: e.message } : { code: 'internal-error', message: String(e) };
      for (let i = 0; i < files.length; ++i) results[i] ??= { error };
    } finally {
      client.fail('the pool is done');
      worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: count }, run));
  return results;
}
