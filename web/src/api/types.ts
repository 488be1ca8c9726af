// The public TypeScript API: what openDump() returns, in the browser (a worker per dump) and under Node (in-process).
// Addresses and offsets are bigint; byte counts are numbers. JSON documents (the summary) keep "0x..." strings.
import type { PatternInput } from '../pattern';
import type { HeaderField, Progress, SearchSpace, SymbolFileStatus, VirtualMemoryMode } from '../protocol';
import type { Summary } from '../summary';

export type { Bugcheck, Culprit, Hex, StackEntry, Summary, SummaryException, SummaryHeader, SummaryModule, SummaryTriage, SummaryWarning } from '../summary';
export type { HeaderField, PatternInput, Progress, SearchSpace, VirtualMemoryMode };

/** What openDump() reads: a File or Blob, bytes, or (browser only) the URL of a server that answers range requests;
 *  under Node also a path on disk. */
export type DumpSource = Blob | Uint8Array | string | URL;

/** A page-table walk. */
export interface Translation {
  /** The physical address of the translated byte. */
  gpa: bigint;
  /** 0x1000, 0x200000, 0x400000 or 0x40000000. */
  pageSize: number;
  /** The virtual address where the page starts. */
  pageBase: bigint;
  writable: boolean;
  user: boolean;
  executable: boolean;
  /** Translated through a transition (not-present) PTE: the data may be stale. */
  transition: boolean;
}

/** Present physical pages from the physical address `base`. */
export interface PhysicalRange {
  base: bigint;
  pages: number;
}

/** A structure of the dump file, for the file view (see FileRegion in wasm/kdmpview.d.ts for the kinds). */
export interface FileRegion {
  kind: string;
  name: string;
  offset: bigint;
  size: bigint;
}

export interface VirtualMemoryInfo {
  mode: VirtualMemoryMode;
  pointerSize: number;
  /** The DirectoryTableBase used by default; null for a triage dump. */
  dtb: bigint | null;
  /** A triage dump's saved regions; [] for other dumps. */
  regions: { address: bigint; size: number; kind: string }[];
}

export interface SearchQuery {
  space: SearchSpace;
  pattern: PatternInput;
  /** Where to start (a file offset or an address); default the start of the space. */
  start?: bigint;
  /** Where to stop, exclusive; default the end of the space. Up to 2^64. */
  end?: bigint;
  /** Virtual searches: the page tables to walk; default the header's DirectoryTableBase. */
  dtb?: bigint;
  /** Stop after this many matches (default 1000, at most 100000). */
  maxResults?: number;
  /** Called now and then while the search runs. */
  onProgress?(progress: Progress): void;
}

export interface SearchResult {
  /** Where each match starts, ascending. */
  matches: bigint[];
  /** The search stopped at maxResults. */
  truncated: boolean;
  /** cancel() (or close()) stopped the search; `matches` holds what it had found. */
  cancelled: boolean;
  /** Bytes compared. */
  scanned: number;
}

export interface SearchTask {
  results: Promise<SearchResult>;
  /** Stops the search; `results` then resolves with what was found, `cancelled` set. */
  cancel(): void;
}

/**
 * An open dump. Every method rejects with a KdmpError (code, message, where) when the dump cannot answer. Reads
 * return at most 64 MiB; physical and virtual reads come back shorter when they reach memory the dump does not hold.
 */
/** A symbol file: a File (its name is used), or named bytes or Blob. */
export type SymbolFileInput = File | { name: string; data: Blob | Uint8Array };

export type { SymbolFileStatus };

export interface DumpHandle {
  readonly fileSize: bigint;
  /** The dump header's fields with their file offsets. */
  readonly headerFields: HeaderField[];
  /** The summary: the same document as `kdmp-parser --json` (see README.md). */
  summary(): Promise<Summary>;
  /** Symbol files (PDBs; SYS/EXE/DLL images for modules whose header the dump lacks), read in place: a File or Blob
   *  is not copied into the wasm heap. Matched by GUID/age (images by TimeDateStamp/SizeOfImage); summary() then
   *  carries the names. Returns every file's status (unmatched ones have used: false). */
  addSymbols(files: SymbolFileInput[]): Promise<SymbolFileStatus[]>;
  /** "symdrv!SymFaultingFunction+0x10" (or module+offset) per address; null outside every module. */
  symbolize(addresses: bigint[]): Promise<(string | null)[]>;
  /** "nt!KeBugCheckEx", "symdrv!Function+0x10" -> the address, or null (go-to). */
  resolveSymbol(expression: string): Promise<bigint | null>;
  readFile(offset: bigint, length: number): Promise<Uint8Array>;
  readPhysical(address: bigint, length: number): Promise<Uint8Array>;
  readVirtual(address: bigint, length: number, options?: { dtb?: bigint }): Promise<Uint8Array>;
  /** Many reads at once, planned by the worker into few large reads of the file (a batch of random reads over a
   *  region becomes one sweep of it). `lengths`: one length for every read, or one per address. At most 2^18 reads
   *  and 16 MiB in all. Each read stops at its first unreadable byte, as readPhysical does; it never fails the batch. */
  readPhysicalBatch(addresses: BigUint64Array | bigint[], lengths: number | Uint32Array | number[]): Promise<BatchReadResult>;
  /** The same for virtual memory (through `dtb`'s page tables, as readVirtual). */
  readVirtualBatch(addresses: BigUint64Array | bigint[], lengths: number | Uint32Array | number[],
    options?: { dtb?: bigint }): Promise<BatchReadResult>;
  translate(address: bigint, options?: { dtb?: bigint }): Promise<Translation>;
  /** The memory map. */
  physicalRanges(): Promise<PhysicalRange[]>;
  /** The first page frame number the dump holds at or after `pfn`, or null. */
  nextPhysicalPage(pfn: bigint): Promise<bigint | null>;
  virtualMemory(): Promise<VirtualMemoryInfo>;
  /** The first virtual address at or after `address` that can be read, or null: "jump to the next present region". */
  nextMappedVirtual(address: bigint, options?: { dtb?: bigint }): Promise<bigint | null>;
  /** The file's structures (header, bitmap, run list, triage blocks, page data), sorted by offset. */
  fileLayout(): Promise<FileRegion[]>;
  search(query: SearchQuery): SearchTask;
  /** The wasm module's memory, for tests and benchmarks. */
  stats(): Promise<{ wasmHeapBytes: number }>;
  /** Frees the dump (and, in the browser, its worker). Later calls reject. */
  close(): Promise<void>;
}

/** What a batch of reads got: read i's bytes are bytes.subarray(offsets[i], offsets[i] + lengths[i]). */
export interface BatchReadResult {
  /** Every read's bytes one after another, each read taking the length it asked for (bytes it did not get are 0). */
  bytes: Uint8Array;
  /** Where each read's bytes start in `bytes`. */
  offsets: Uint32Array;
  /** How many bytes each read got from its start: its length, or fewer where it stopped. */
  lengths: Uint32Array;
  /** Why each read stopped short ("page-not-in-dump", "not-present", "file-ends-early", ...); null when it got every
   *  byte. */
  errors: (string | null)[];
}
