// The npm package's Node entry ("kdmpview/node"): the same API in-process, over files on disk.
import { openDumpInProcess } from '../api/node';
import type { DumpHandle, DumpSource, SymbolFileInput } from '../api/types';

export { KdmpError } from '../api/errors';
export { encodePattern } from '../pattern';
export type * from '../api/types';

export interface NodeInitOptions {
  /** The kdmpview.wasm file (default: next to this module). */
  wasmPath?: string | URL;
}

export interface NodeOpenOptions extends NodeInitOptions {
  /** Symbol files (PDBs; SYS/EXE/DLL images) as {name, data} (or Files), handed over before openDump resolves, as
   *  dump.addSymbols(symbols) does: summary() then has the names. */
  symbols?: SymbolFileInput[];
}

let wasmPath: string | URL = new URL(/* @vite-ignore */ './kdmpview.wasm', import.meta.url);

export function init(options: NodeInitOptions): void {
  if (options.wasmPath !== undefined) wasmPath = options.wasmPath;
}

/** Opens a dump: a path or file: URL, bytes, or a Blob. */
export async function openDump(source: DumpSource, options: NodeOpenOptions = {}): Promise<DumpHandle> {
  const dump = await openDumpInProcess(source, { wasmPath: options.wasmPath ?? wasmPath });
  if (options.symbols?.length) {
    try {
      await dump.addSymbols(options.symbols);
    } catch (e) {
      await dump.close().catch(() => {});
      throw e;
    }
  }
  return dump;
}

/** The summary JSON of a dump on disk: the document `kdmp-parser --json` prints (apart from `tool`). */
export async function summaryJson(path: string, options: NodeOpenOptions & { pretty?: boolean } = {}): Promise<string> {
  const dump = await openDump(path, options);
  try {
    return JSON.stringify(await dump.summary(), null, options.pretty ? 2 : undefined);
  } finally {
    await dump.close();
  }
}
