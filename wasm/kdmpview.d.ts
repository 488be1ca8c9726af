// Hand-written types for the Emscripten module built from bindings.cpp (3.1.6 has no --emit-tsd).
// Keep in step with bindings.cpp: every function bound there is declared here.

/** What the core reads through: a file, a Blob, bytes. Offsets and sizes are exact integers up to 2^53. */
export interface JsByteSource {
  readonly size: number;
  /** Fill `target` with the bytes at `offset`; return how many (fewer only at the end), or -1 on failure. Never throw. */
  read(offset: number, target: Uint8Array): number;
  /** Why the last read failed, when it did. */
  readonly lastError?: string;
}

/** kdmp::error_code_name values. */
export type ErrorCode =
  | 'io' | 'file-too-small' | 'not-a-dump' | 'user-mode-minidump' | 'unknown-dump-type' | 'unsupported-dump-type'
  | 'bad-header' | 'bad-run-list' | 'bad-bitmap' | 'bad-rdmp' | 'bad-triage' | 'page-not-in-dump' | 'file-ends-early'
  | 'page-table-page-missing' | 'not-present' | 'unsupported' | 'invalid-argument';

export interface KdmpError {
  code: ErrorCode;
  message: string;
  /** The file offset or address the message names, "0x..." */
  where: string;
}

export type OpenResult = { ok: true; dump: DumpHandle } | { ok: false; error: KdmpError };
export type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; error: KdmpError };

/** One field of the dump header (kdmp::header_fields). */
export interface HeaderField {
  name: string;
  offset: number;
  size: number;
}

/** An opened dump. It lives in the wasm heap: call delete() when done. */
export interface DumpHandle {
  /** The summary document (see web/src/summary.ts for its type). */
  summaryJson(): string;
  fileSize(): number;
  /** A copy of the file's bytes at [offset, offset + length), cut at the end of the file. */
  readFile(offset: number, length: number): ReadResult;
  headerFields(): HeaderField[];
  delete(): void;
  isDeleted(): boolean;
}

export interface KdmpModule {
  open(source: JsByteSource): OpenResult;
}

export interface KdmpModuleOptions {
  /** The .wasm bytes; needed under Node, where the ES6 glue cannot locate its .wasm. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?(path: string, scriptDirectory: string): string;
  print?(text: string): void;
  printErr?(text: string): void;
}

export default function createKdmpModule(options?: KdmpModuleOptions): Promise<KdmpModule>;
