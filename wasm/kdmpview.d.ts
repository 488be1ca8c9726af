// Hand-written types for the Emscripten module built from bindings.cpp (3.1.6 has no --emit-tsd).
// Keep in step with bindings.cpp: every function bound there is declared here.

/** What the core reads through: a file, a Blob, bytes. Offsets and sizes are exact integers up to 2^53. */
export interface JsByteSource {
  readonly size: number;
  /** Fill `target` with the bytes at `offset`; return how many (fewer only at the end), or -1 on failure. Never throw. */
  read(offset: number, target: Uint8Array): number;
  /** Why the last read failed, when it did. */
  readonly lastError?: string;
  /** For the core's block cache (kdmp::ReadHint): bytes one random miss reads (a power of two, default 64 KiB), and
   *  the most a run of sequential misses reads ahead in one call (default 4 MiB; 0: never). */
  readonly blockSize?: number;
  readonly readAhead?: number;
  /** For batched reads: two wanted stretches of the file at most this many bytes apart are read in one call, the
   *  gap included (a call's fixed cost times the source's bandwidth; default 64 KiB). */
  readonly coalesceGap?: number;
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
  /** Translation errors: the size of the aligned virtual region around `where` that is unmapped for the same
   *  reason (a not-present PDE: "0x200000"), so a scan can skip it. Absent when unknown. */
  span?: string;
}

/** A 64-bit value as it crosses the boundary: "0x" and 1 to 16 hex digits (the binding returns lowercase). */
export type HexString = `0x${string}`;

export type Failure = { ok: false; error: KdmpError };
export type OpenResult = { ok: true; dump: DumpHandle } | Failure;
export type ReadResult = { ok: true; bytes: Uint8Array } | Failure;

/** Many reads at once (kdmp::read_virtual_batch / read_physical_batch). `bytes` holds every read's bytes one after
 *  another (read i's start at the sum of the lengths before it; bytes a read did not get are 0); `done[i]` is how
 *  many read i got from its start; `stops[i]` is 0 when it got them all, else the index in `codes` of why it
 *  stopped (codes[0] is ""). */
export type BatchResult =
  | { ok: true; bytes: Uint8Array; done: Uint32Array; stops: Uint8Array; codes: ('' | ErrorCode)[] }
  | Failure;

/** A page-table walk (kdmp::Translation). */
export interface TranslationValue {
  /** The physical address of the translated byte. */
  gpa: HexString;
  /** 0x1000, 0x200000, 0x400000 or 0x40000000. */
  pageSize: number;
  /** The virtual address where the page starts. */
  pageBase: HexString;
  writable: boolean;
  user: boolean;
  executable: boolean;
  /** A not-present (transition) PTE that still names its frame: the data may be stale. */
  transition: boolean;
}
export type TranslateResult = ({ ok: true } & TranslationValue) | Failure;

/** kdmp::paging_mode_name, or "triage" for a triage dump's saved regions. */
export type VirtualMemoryMode = 'x64' | 'arm64' | 'x86-pae' | 'x86' | 'arm' | 'triage';
export type VirtualMemoryInfoResult =
  | { ok: true; mode: VirtualMemoryMode; pointerSize: number; dtb: HexString | null }
  | Failure;

/** A stretch of virtual memory a triage dump saved. */
export interface VirtualRegion {
  address: HexString;
  size: number;
  /** "call stack", "data page", "data block", ... (kdmp::triage_region_kind_name) */
  kind: string;
}

/** Present physical pages from `base` (a physical address). */
export interface PhysicalRangeValue {
  base: HexString;
  pages: number;
}

export type NextPageResult = { ok: true; pfn: HexString | null } | Failure;
export type NextMappedResult = { ok: true; address: HexString | null } | Failure;

/** A structure of the dump file (kdmp::file_layout): what the file view highlights and names. */
export interface FileRegion {
  /** "header", "run-list", "bitmap-header", "bitmap", "rdmp-header", "rdmp-ranges", "page-data"; triage dumps:
   *  "triage-header", "triage-mm", "triage-unloaded-drivers", "triage-prcb", "triage-process", "triage-thread",
   *  "triage-call-stack", "triage-kdbg", "triage-drivers", "triage-strings", "triage-data-page",
   *  "triage-data-blocks" (the descriptors), "triage-data-block" (one block's bytes), "triage-valid",
   *  "triage-secondary-data" (the "Dump"/"Blob" chain after SizeOfDump).
   *  Regions may nest (the header holds the run list); none is empty or reaches past the end of the file. */
  kind: string;
  /** What a user reads in the view: "Page bitmap (1048576 bits)", "Run 2: 0x100 pages from PFN 0x1000", ... */
  name: string;
  offset: HexString;
  size: HexString;
}

/** One field of the dump header (kdmp::header_fields). */
export interface HeaderField {
  name: string;
  offset: number;
  size: number;
}

/**
 * An opened dump. It lives in the wasm heap: call delete() when done. Reads return copies of at most 16 MiB
 * (`length` above that is an invalid-argument error). Addresses are "0x..." strings of up to 16 hex digits.
 */
export interface DumpHandle {
  /** The summary document (see web/src/summary.ts for its type). */
  summaryJson(): string;
  fileSize(): number;
  /** A copy of the file's bytes at [offset, offset + length), cut at the end of the file. */
  readFile(offset: number, length: number): ReadResult;
  headerFields(): HeaderField[];
  /** Physical memory: shorter than `length` when the read reaches a page the dump does not hold; an error (whose
   *  `where` is `address`) when the first byte is not there. */
  readPhysical(address: string, length: number): ReadResult;
  /** Virtual memory through the page tables of `dtb` (default: the header's), or a triage dump's saved regions.
   *  Shorter at the first byte that cannot be read; an error when the first one cannot. */
  readVirtual(address: string, length: number, dtb?: string): ReadResult;
  /** Many physical reads at once: as many lengths as addresses, at most 2^18 reads and 16 MiB in all. */
  readPhysicalBatch(addresses: BigUint64Array, lengths: Uint32Array): BatchResult;
  /** Many virtual reads at once (through `dtb`'s page tables, as readVirtual): the same bounds. */
  readVirtualBatch(addresses: BigUint64Array, lengths: Uint32Array, dtb?: string): BatchResult;
  /** The page-table walk of `address`; unsupported for a triage dump. */
  translate(address: string, dtb?: string): TranslateResult;
  /** The default address space of readVirtual and translate. */
  virtualMemoryInfo(): VirtualMemoryInfoResult;
  /** A triage dump's saved regions, sorted; [] for other dumps. */
  virtualRegions(): VirtualRegion[];
  /** The memory map: present pages as merged, sorted ranges. */
  physicalRanges(): PhysicalRangeValue[];
  /** The first page the dump holds at or after `pfn` (null: none). */
  nextPhysicalPage(pfn: string): NextPageResult;
  /** The first virtual address at or after `address` that translates (through `dtb`, default the header's) to a page
   *  the dump holds, or a triage dump's next saved region; null: none below 2^64. Skips unmapped regions by their
   *  span, so real address spaces cost at most a few thousand walks; after 2^18 it fails with "not-present" and
   *  `where` = the address to go on from. */
  nextMappedVirtual(address: string, dtb?: string): NextMappedResult;
  /** Present physical memory by stretches stored one after another in the file, sorted by base. */
  physicalExtents(): PhysicalExtent[];
  /** Scans the file bytes [offset, offset + length) (plus `lookahead` bytes where a match may end) for `pattern`
   *  in the wasm heap; at most maxMatches file offsets, `capped` when there were more. */
  scanFile(offset: number, length: number, lookahead: number, pattern: Uint8Array, maxMatches: number): ScanResult;
  /** The file's structures, sorted by offset (see FileRegion). */
  fileLayout(): FileRegion[];
  /** Hands over a PDB or a PE image (SYS/EXE/DLL) for the names; read through the source, never copied whole. */
  addSymbolFile(name: string, source: JsByteSource): { ok: true; kind: 'pdb' | 'image' } | Failure;
  /** The symbol files and whether a module used them (matched by GUID/age or TimeDateStamp/SizeOfImage). */
  symbolFiles(): { name: string; kind: 'pdb' | 'image'; used: boolean }[];
  /** "symdrv!SymFaultingFunction+0x10", "nt+0x1234"; null outside every module. */
  symbolize(address: HexString):
    | { ok: true; symbol: string | null; source: 'pdb' | 'exports' | 'none' }
    | Failure;
  /** "nt!KeBugCheckEx", "symdrv!Function+0x10", "symdrv+0x20" -> the address; null when not known. */
  resolveSymbol(expression: string): { ok: true; address: HexString | null } | Failure;
  delete(): void;
  isDeleted(): boolean;
}

export interface PhysicalExtent {
  base: string;
  pages: number;
  fileOffset: number;
}

export type ScanResult =
  | { ok: true; matches: number[]; capped: boolean; read: number }
  | { ok: false; error: KdmpError };

export interface KdmpModule {
  open(source: JsByteSource): OpenResult;
  /** The wasm heap; its length is the module's memory size. */
  readonly HEAPU8: Uint8Array;
}

export interface KdmpModuleOptions {
  /** The .wasm bytes; needed under Node, where the ES6 glue cannot locate its .wasm. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?(path: string, scriptDirectory: string): string;
  print?(text: string): void;
  printErr?(text: string): void;
}

export default function createKdmpModule(options?: KdmpModuleOptions): Promise<KdmpModule>;
