// The npm package's browser entry ("kdmpview"): openDump() runs each dump in a Web Worker. worker.js and
// kdmpview.wasm sit next to this file; a host that serves them elsewhere says where with init().
import { openDumpInWorker } from '../api/browser';
import type { DumpHandle, DumpSource, SymbolFileInput } from '../api/types';
import { packageFiles, type InitOptions } from './files';

export { KdmpError } from '../api/errors';
export { encodePattern } from '../pattern';
export type * from '../api/types';
export { init, type InitOptions } from './files';

export interface OpenOptions extends InitOptions {
  /** Symbol files (PDBs; SYS/EXE/DLL images), handed over before openDump resolves, as dump.addSymbols(symbols)
   *  does: summary() then has the names. Read in place, not copied into the wasm heap. */
  symbols?: SymbolFileInput[];
}

/** Opens a dump: a File or Blob, bytes, or the URL of a server that answers HTTP range requests. */
export async function openDump(source: DumpSource, options: OpenOptions = {}): Promise<DumpHandle> {
  const { workerUrl, wasmUrl } = packageFiles(options, new URL(/* @vite-ignore */ './worker.js', import.meta.url));
  const dump = await openDumpInWorker(source, {
    createWorker: () => new Worker(workerUrl, { type: 'module' }),
    ...(wasmUrl !== undefined ? { wasmUrl } : {}),
  });
  if (options.symbols?.length) await withSymbols(dump, options.symbols);
  return dump;
}

/** Adds the symbol files; a failure closes the dump and rejects, so no worker is left behind. */
async function withSymbols(dump: DumpHandle, symbols: SymbolFileInput[]): Promise<void> {
  try {
    await dump.addSymbols(symbols);
  } catch (e) {
    await dump.close().catch(() => {});
    throw e;
  }
}
