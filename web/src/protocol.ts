// The one message protocol between the page and the dump worker (or, under Node, the in-process session).
// Every request is { id, type, body }; the final answer is { inReplyTo, ok: true, body } or
// { inReplyTo, ok: false, error }. A long request (search) may first send progress messages
// { inReplyTo, progress: { done, total } }. A `cancel` request names the id of the search to stop.
// Addresses, offsets and 64-bit values travel as lowercase "0x..." strings, as in the summary JSON; byte counts that
// stay small are numbers. A batch of reads is the exception: its addresses and lengths travel as typed arrays. Adding a conversation = adding a row to `Requests` and a case to the worker's session.
import type { FileRegion, HeaderField, PhysicalRangeValue, TranslationValue, VirtualMemoryMode, VirtualRegion } from '@wasm/kdmpview';
import type { Hex, Summary } from './summary';

export type { FileRegion, HeaderField, PhysicalRangeValue, TranslationValue, VirtualMemoryMode, VirtualRegion };

/** What to open. A File or Blob posts without copying its data; `url` is read with HTTP range requests. */
export type OpenSource =
  | { kind: 'blob'; blob: Blob }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'url'; url: string }
  /** Node only: a file on disk. */
  | { kind: 'path'; path: string };

export interface OpenBody {
  source: OpenSource;
  /** Where the worker finds kdmpview.wasm, when not next to its glue. Only the first open of a worker uses it. */
  wasmUrl?: string;
}

export interface OpenReply {
  summary: Summary;
  headerFields: HeaderField[];
  /** The file's size in bytes (exact: files stay below 2^53 bytes). */
  fileSize: number;
}

/** Bytes of one address space, starting at `address` (a file offset for readFile). */
export interface BytesReply {
  address: Hex;
  bytes: Uint8Array;
}

/** Many reads of physical or virtual memory at once (the core plans them into few, large file reads). The typed
 *  arrays are transferred, not copied. At most MAX_BATCH_READS reads and MAX_BATCH_BYTES bytes in all. */
export interface BatchBody {
  space: 'physical' | 'virtual';
  addresses: BigUint64Array;
  /** As many as addresses. */
  lengths: Uint32Array;
  /** Virtual reads: the page tables to walk; default the header's DirectoryTableBase. */
  dtb?: Hex;
}

/** A batch's answer: every read's bytes one after another (read i's start at the sum of the lengths before it; bytes
 *  a read did not get are 0), `done[i]` the bytes read i got, `stops[i]` 0 when it got them all or else the index in
 *  `codes` of the error code that stopped it ("page-not-in-dump", "not-present", ...; codes[0] is ""). */
export interface BatchReply {
  bytes: Uint8Array;
  done: Uint32Array;
  stops: Uint8Array;
  codes: string[];
}

export const MAX_BATCH_READS = 1 << 18;
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

export type SearchSpace = 'file' | 'physical' | 'virtual';

export interface SearchBody {
  space: SearchSpace;
  /** The bytes to find (ASCII and UTF-16LE text are encoded by the caller: see pattern.ts). 1 to 4096 bytes. */
  pattern: Uint8Array;
  /** Per pattern byte: a byte matches when (byte & mask) == (pattern & mask): 0 is any byte, 0xdf on an ASCII letter
   *  is either case (pattern.ts). Absent: every byte compared whole. */
  mask?: Uint8Array;
  /** First address to search; default the start of the space. */
  start?: Hex;
  /** Where to stop (exclusive); default the end of the space (the file size, the top of memory). */
  end?: Hex;
  /** Virtual searches: the page tables to walk; default the header's DirectoryTableBase. */
  dtb?: Hex;
  /** Stop after this many matches (default 1000, at most 100000). */
  maxResults?: number;
}

export interface SearchReply {
  /** Where each match starts, ascending. */
  matches: Hex[];
  /** True when the search stopped at maxResults. */
  truncated: boolean;
  /** True when a cancel request (or closing the dump) stopped it. */
  cancelled: boolean;
  /** Bytes compared (present and readable memory only). */
  scanned: number;
}

export interface VirtualMemoryReply {
  mode: VirtualMemoryMode;
  pointerSize: number;
  /** The DirectoryTableBase readVirtual and translate use by default; null for a triage dump. */
  dtb: Hex | null;
  /** A triage dump's saved regions; [] for other dumps. */
  regions: VirtualRegion[];
}

/** A symbol file handed to the worker: a PDB, or a PE image (SYS/EXE/DLL) for a module whose header the dump lacks.
 *  Read in place through its source (a File is never copied into the wasm heap). */
export interface SymbolFileBody {
  name: string;
  source: OpenSource;
}

/** What became of each symbol file: `kind` once recognised, `used` when it named a module (matched by GUID/age, or
 *  TimeDateStamp/SizeOfImage), `error` when it is neither a PDB nor a PE image. */
export interface SymbolFileStatus {
  name: string;
  kind: 'pdb' | 'image' | null;
  used: boolean;
  error?: string;
}

type Empty = Record<string, never>;

/** Each request type: what the page sends (`body`) and what the worker answers (`reply`). */
export interface Requests {
  /** Open a dump (replaces the open one). */
  open: { body: OpenBody; reply: OpenReply };
  /** Load the wasm module now, before any dump: a spare worker made ready for the next drop. */
  warm: { body: { wasmUrl?: string }; reply: Empty };
  /** Bytes of the dump file itself, cut at the end of the file. */
  readFile: { body: { offset: Hex; length: number }; reply: BytesReply };
  /** Physical memory; shorter when the read reaches a page the dump does not hold. */
  readPhysical: { body: { address: Hex; length: number }; reply: BytesReply };
  /** Virtual memory; shorter at the first byte that cannot be read. */
  readVirtual: { body: { address: Hex; length: number; dtb?: Hex }; reply: BytesReply };
  /** Many physical or virtual reads at once. */
  readBatch: { body: BatchBody; reply: BatchReply };
  /** The page-table walk of one virtual address. */
  translate: { body: { address: Hex; dtb?: Hex }; reply: TranslationValue };
  /** The memory map. */
  physicalRanges: { body: Empty; reply: { ranges: PhysicalRangeValue[] } };
  /** The first present page at or after `pfn` (null: none): "jump to the next present region". */
  nextPhysicalPage: { body: { pfn: Hex }; reply: { pfn: Hex | null } };
  /** The first mapped virtual address at or after `address` (null: none): "jump to the next present region". */
  nextMappedVirtual: { body: { address: Hex; dtb?: Hex }; reply: { address: Hex | null } };
  /** The file's structures (header, bitmap, runs, triage blocks, page data), sorted by offset. */
  fileLayout: { body: Empty; reply: { regions: FileRegion[] } };
  /** The paging mode and default DirectoryTableBase, or a triage dump's saved regions. */
  virtualMemory: { body: Empty; reply: VirtualMemoryReply };
  /** Find a pattern; sends progress messages, stops on `cancel`. */
  search: { body: SearchBody; reply: SearchReply };
  /** Stop the search whose request id is `requestId`; `cancelled` says whether one was running. */
  cancel: { body: { requestId: number }; reply: { cancelled: boolean } };
  /** Add symbol files to the open dump; the reply is the summary with the names, and every file's status. */
  addSymbols: { body: { files: SymbolFileBody[] }; reply: { summary: Summary; files: SymbolFileStatus[] } };
  /** Names of addresses ("symdrv!SymFaultingFunction+0x10", "nt+0x1234"; null outside every module). */
  symbolize: { body: { addresses: Hex[] }; reply: { symbols: (string | null)[] } };
  /** "nt!KeBugCheckEx", "symdrv!Function+0x10", "symdrv+0x20" -> an address, null when not known (go-to). */
  resolveSymbol: { body: { expression: string }; reply: { address: Hex | null } };
  /** Resource use, for tests and benchmarks. */
  stats: { body: Empty; reply: { wasmHeapBytes: number } };
  /** Close the open dump and free its memory. */
  close: { body: Empty; reply: Empty };
}

export type RequestType = keyof Requests;

export type Request<T extends RequestType = RequestType> = {
  [K in T]: { id: number; type: K; body: Requests[K]['body'] };
}[T];

/** kdmp error codes ("not-a-dump", "page-not-in-dump", ...) plus the worker's own. */
export interface ReplyError {
  code: string;
  message: string;
  /** The file offset or address the message names, "0x..." */
  where?: string;
  /** Translation errors: the unmapped region's size around `where`, "0x..." (see KdmpError in kdmpview.d.ts). */
  span?: string;
}

export type Reply<T extends RequestType = RequestType> =
  | { inReplyTo: number; ok: true; body: Requests[T]['reply'] }
  | { inReplyTo: number; ok: false; error: ReplyError };

export interface Progress {
  /** Bytes of the searched range covered so far (skipped unmapped memory included). */
  done: number;
  total: number;
}

export interface ProgressMessage {
  inReplyTo: number;
  progress: Progress;
}

/** Everything the worker sends. */
export type WorkerMessage = Reply | ProgressMessage;

export function isProgress(message: WorkerMessage): message is ProgressMessage {
  return 'progress' in message;
}

/** Error codes the worker adds to the core's. */
export const WorkerErrorCode = {
  /** The wasm module failed to load. */
  wasmLoad: 'wasm-load-failed',
  /** A request the worker does not understand, or one that needs an open dump when none is. */
  badRequest: 'bad-request',
  /** The byte source could not be set up (an HTTP server that refuses range requests, a missing file). */
  sourceFailed: 'source-failed',
  /** The worker stopped (or failed to start) before answering. */
  workerFailed: 'worker-failed',
  /** A bug: an exception in the worker. */
  internal: 'internal-error',
} as const;
