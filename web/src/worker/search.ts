// Pattern search over one address space of an open dump: the file, physical memory (present ranges only) or
// virtual memory (mapped pages only). A walker reads the space in chunks (synchronous calls into the wasm module
// or the byte source); the search loop scans each chunk, carries pattern.length - 1 bytes across chunk boundaries
// so no match is lost, and gives the event loop a turn between chunks so that a cancel message can arrive.
// The file and physical memory are scanned in the core instead (scanFile: 4 MiB reads from the File straight into
// the wasm heap, wasm SIMD scan), physical memory by the stretches stored one after another in the file: as fast
// as reading the File (README, Figures), where a JavaScript loop over the bytes ran at 200-900 MB/s. A masked
// pattern (wildcards, either case) is matched here, over the same reads (walkFile, walkPhysicalBytes).
import { MaskedMatcher } from './masked-matcher';
import type { DumpHandle, JsByteSource, KdmpError, VirtualMemoryMode } from '@wasm/kdmpview';
import { toHex } from '../hex';
import type { Progress, SearchReply } from '../protocol';
import type { Hex } from '../summary';

/** A stretch of readable bytes at `address`, or a step over unreadable memory (empty `bytes`). */
export interface Chunk {
  address: bigint;
  bytes: Uint8Array;
  /** Progress after this chunk: bytes of the range covered so far. */
  done: number;
  /** Set when the walker had the core scan the chunk (bytes then empty): its length and the matches starting in
   *  it, those that end in the following bytes included. */
  scanned?: { length: number; matches: bigint[] };
}

export interface Walk {
  chunks: Iterator<Chunk>;
  /** The size of the range, in the same unit as Chunk.done. */
  total: number;
}

/** A failure that ends a search with an error reply (a byte source that stops working, ...). */
export class SearchFailure extends Error {
  constructor(readonly code: string, message: string, readonly where?: string) {
    super(message);
  }
}

export const FILE_CHUNK = 4 * 1024 * 1024;    // FileReaderSync: 4 MiB reads run at ~450 MB/s, 256 KiB ones at ~220
export const MEMORY_CHUNK = 1024 * 1024;      // reads through the wasm heap (and its 16 MiB block cache)
const PAGE = 0x1000n;
const TWO_64 = 1n << 64n;

// --- Matching ---

/** Boyer-Moore-Horspool over Uint8Arrays (indexOf for one-byte patterns). */
export class Matcher {
  private readonly skip = new Int32Array(256);

  constructor(readonly pattern: Uint8Array) {
    const m = pattern.length;
    this.skip.fill(m);
    for (let i = 0; i < m - 1; ++i) this.skip[pattern[i]!] = m - 1 - i;
  }

  /** Calls onMatch(index) for each match in hay, in order, until it returns false; returns false if stopped. */
  scan(hay: Uint8Array, onMatch: (index: number) => boolean): boolean {
    const pat = this.pattern;
    const m = pat.length;
    const n = hay.length;
    if (m === 1) {
      const byte = pat[0]!;
      for (let i = hay.indexOf(byte); i >= 0; i = hay.indexOf(byte, i + 1)) if (!onMatch(i)) return false;
      return true;
    }
    const last = m - 1;
    const lastByte = pat[last]!;
    const skip = this.skip;
    for (let i = 0; i <= n - m;) {
      const b = hay[i + last]!;
      if (b === lastByte) {
        let j = last - 1;
        while (j >= 0 && hay[i + j] === pat[j]) --j;
        if (j < 0 && !onMatch(i)) return false;
      }
      i += skip[b]!;
    }
    return true;
  }
}

// --- Walkers ---

/** The file, [start, end), in FILE_CHUNK reads straight from the byte source (not through the block cache). */
export function walkFile(source: JsByteSource, start: number, end: number, chunkSize = FILE_CHUNK): Walk {
  function* chunks(): Generator<Chunk> {
    const buffer = new Uint8Array(Math.min(chunkSize, Math.max(0, end - start)));
    for (let offset = start; offset < end;) {
      const want = Math.min(chunkSize, end - offset);
      const got = source.read(offset, buffer.subarray(0, want));
      if (got < 0) {
        throw new SearchFailure('io', `reading ${want} bytes of the file at ${toHex(offset)} failed${source.lastError ? `: ${source.lastError}` : ''}`, toHex(offset));
      }
      if (got === 0) return;  // the end of a source shorter than it said
      yield { address: BigInt(offset), bytes: buffer.subarray(0, got), done: offset + got - start };
      offset += got;
    }
  }
  return { chunks: chunks(), total: Math.max(0, end - start) };
}

/** Present physical memory in [start, end): the memory map's ranges, read in chunks; unreadable pages skipped. */
export function walkPhysicalBytes(dump: DumpHandle, start: bigint, end: bigint, chunkSize = MEMORY_CHUNK): Walk {
  const ranges: [bigint, bigint][] = [];
  for (const r of dump.physicalRanges()) {
    const base = BigInt(r.base);
    const from = base > start ? base : start;
    const rangeEnd = base + BigInt(r.pages) * PAGE;
    const to = rangeEnd < end ? rangeEnd : end;
    if (from < to) ranges.push([from, to]);
  }
  const total = ranges.reduce((n, [from, to]) => n + Number(to - from), 0);
  function* chunks(): Generator<Chunk> {
    let covered = 0;
    for (const [from, to] of ranges) {
      for (let at = from; at < to;) {
        const want = Number(to - at < BigInt(chunkSize) ? to - at : BigInt(chunkSize));
        const read = dump.readPhysical(toHex(at), want);
        // A page stored past the end of a truncated file: step over it.
        const next = read.ok && read.bytes.length > 0 ? at + BigInt(read.bytes.length) : minBig(pageEnd(at), to);
        covered += Number(next - at);
        yield { address: at, bytes: read.ok ? read.bytes : new Uint8Array(0), done: covered };
        at = next;
      }
    }
  }
  return { chunks: chunks(), total };
}

const EMPTY = new Uint8Array(0);

/** One scanFile call, its matches as addresses: `address` is where fileOffset lies in the searched space. */
function scanInCore(dump: DumpHandle, fileOffset: number, length: number, lookahead: number, pattern: Uint8Array, maxResults: number, address: bigint): bigint[] {
  const result = dump.scanFile(fileOffset, length, lookahead, pattern, maxResults);
  if (!result.ok) throw new SearchFailure(result.error.code, result.error.message, result.error.where);
  return result.matches.map((offset) => address + BigInt(offset - fileOffset));
}

/** The file, [start, end), scanned in the core in FILE_CHUNK reads. */
export function scanFile(dump: DumpHandle, start: number, end: number, pattern: Uint8Array, maxResults: number, chunkSize = FILE_CHUNK): Walk {
  function* chunks(): Generator<Chunk> {
    for (let offset = start; offset < end;) {
      const length = Math.min(chunkSize, end - offset);
      const lookahead = Math.min(pattern.length - 1, end - offset - length);
      const matches = scanInCore(dump, offset, length, lookahead, pattern, maxResults, BigInt(offset));
      yield { address: BigInt(offset), bytes: EMPTY, done: offset + length - start, scanned: { length, matches } };
      offset += length;
    }
  }
  return { chunks: chunks(), total: Math.max(0, end - start) };
}

/**
 * Present physical memory in [start, end), scanned in the core: each stretch of pages stored one after another in
 * the file is read from the file in FILE_CHUNK reads. Pages stored past the end of a truncated file are stepped
 * over; a match across two stretches that follow on in memory but not in the file is looked for in their joint.
 */
export function walkPhysical(dump: DumpHandle, start: bigint, end: bigint, pattern: Uint8Array, maxResults: number, chunkSize = FILE_CHUNK): Walk {
  const fileSize = dump.fileSize();
  const m = pattern.length;
  const extents: { from: bigint; to: bigint; file: number }[] = [];
  for (const e of dump.physicalExtents()) {
    const base = BigInt(e.base);
    const from = base > start ? base : start;
    const to = minBig(base + BigInt(e.pages) * PAGE, end);
    if (from < to) extents.push({ from, to, file: e.fileOffset + Number(from - base) });
  }
  const total = extents.reduce((n, x) => n + Number(x.to - x.from), 0);
  const matcher = new Matcher(pattern);

  // Matches that start in the last m - 1 bytes before `at` and end at or after it (at most m - 1 bytes past it, and
  // not past `to`).
  function joint(at: bigint, to: bigint): bigint[] {
    const from = at - BigInt(m - 1);
    const read = dump.readPhysical(toHex(from), Number(minBig(to, at + BigInt(m - 1)) - from));
    const found: bigint[] = [];
    if (read.ok) matcher.scan(read.bytes, (i) => (i < m - 1 && i + m > m - 1 && found.push(from + BigInt(i)), true));
    return found;
  }

  function* chunks(): Generator<Chunk> {
    let covered = 0;
    let previousEnd: bigint | null = null;
    for (const x of extents) {
      if (m > 1 && previousEnd === x.from) yield { address: x.from, bytes: EMPTY, done: covered, scanned: { length: 0, matches: joint(x.from, x.to) } };
      // Whole pages inside the file only.
      const pageFile = x.file - Number(x.from & (PAGE - 1n));
      const wholePages = Math.max(0, Math.floor((fileSize - pageFile) / 0x1000));
      const readableEnd = minBig(x.to, (x.from & ~(PAGE - 1n)) + BigInt(wholePages) * PAGE);
      for (let at = x.from; at < readableEnd;) {
        const length = Number(minBig(readableEnd - at, BigInt(chunkSize)));
        const lookahead = Math.min(m - 1, Number(readableEnd - at) - length);
        const file = x.file + Number(at - x.from);
        const matches = scanInCore(dump, file, length, lookahead, pattern, maxResults, at);
        covered += length;
        yield { address: at, bytes: EMPTY, done: covered, scanned: { length, matches } };
        at += BigInt(length);
      }
      if (readableEnd < x.to) {
        covered += Number(x.to - (readableEnd > x.from ? readableEnd : x.from));
        yield { address: x.to, bytes: EMPTY, done: covered };
      }
      previousEnd = readableEnd < x.to ? null : x.to;
    }
  }
  return { chunks: chunks(), total };
}

/** The first address past the canonical-form hole, or null when the mode has no upper half. */
function afterHole(mode: VirtualMemoryMode, va: bigint): bigint | null {
  if (mode === 'x64' && va < 0xffff_8000_0000_0000n) return 0xffff_8000_0000_0000n;
  if (mode === 'arm64' && va < 0xffff_0000_0000_0000n) return 0xffff_0000_0000_0000n;
  return null;
}

/**
 * How much virtual memory a failed translation rules out: the core says so in the error's `span` (a not-present
 * entry rules out what it maps; a missing table what its parent entry maps). Without one, one page: slower, but
 * never skips mapped memory.
 */
export function unmappedSpan(error: KdmpError): bigint {
  return error.span !== undefined && /^0x[0-9a-f]{1,16}$/i.test(error.span) ? BigInt(error.span) : PAGE;
}

function pageEnd(va: bigint): bigint {
  return (va | (PAGE - 1n)) + 1n;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/**
 * Mapped virtual memory in [start, end): read in chunks through `dtb`'s page tables; where a read stops, the
 * translation says how far to jump (a missing PML4E skips 512 GiB). A triage dump walks its saved regions.
 */
export function walkVirtual(dump: DumpHandle, start: bigint, end: bigint, dtb?: string, chunkSize = MEMORY_CHUNK): Walk {
  const info = dump.virtualMemoryInfo();
  if (!info.ok) throw new SearchFailure(info.error.code, info.error.message, info.error.where);
  const total = Number(end - start);
  const read = (at: bigint, length: number) => dtb === undefined ? dump.readVirtual(toHex(at), length) : dump.readVirtual(toHex(at), length, dtb);

  // Reads [from, to) in chunks, yielding what is readable; returns where it had to stop (to when it did not).
  function* readSpan(from: bigint, to: bigint): Generator<Chunk, bigint> {
    for (let at = from; at < to;) {
      const want = Number(to - at < BigInt(chunkSize) ? to - at : BigInt(chunkSize));
      const result = read(at, want);
      if (!result.ok || result.bytes.length === 0) return at;
      at += BigInt(result.bytes.length);
      yield { address: at - BigInt(result.bytes.length), bytes: result.bytes, done: Number(at - start) };
      if (result.bytes.length < want) return at;
    }
    return to;
  }

  function* regions(): Generator<Chunk> {
    for (const region of dump.virtualRegions()) {
      const base = BigInt(region.address);
      const from = base > start ? base : start;
      const to = minBig(base + BigInt(region.size), end);
      if (from < to) yield* readSpan(from, to);
    }
  }

  function* pageTables(mode: Exclude<VirtualMemoryMode, 'triage'>): Generator<Chunk> {
    const translate = (at: bigint) => dtb === undefined ? dump.translate(toHex(at)) : dump.translate(toHex(at), dtb);
    for (let at = start; at < end;) {
      // Translate first: an unmapped entry rules out everything it covers (a missing PML4E, 512 GiB) without a
      // read; a mapped page is read as far as the memory goes, and the next turn asks why it stopped there.
      const t = translate(at);
      let next: bigint;
      if (t.ok) {
        const stop = yield* readSpan(at, end);
        if (stop > at) {
          at = stop;
          continue;
        }
        next = pageEnd(at);  // mapped, but the dump lacks the page's data
      } else if (t.error.code === 'invalid-argument') {
        const after = afterHole(mode, at);
        if (after === null) return;  // past the top of a 32-bit address space
        next = after;
      } else {
        const span = unmappedSpan(t.error);
        next = (at | (span - 1n)) + 1n;
      }
      if (next >= TWO_64 || next <= at) return;
      at = minBig(next, end);
      yield { address: at, bytes: new Uint8Array(0), done: Number(at - start) };
    }
  }

  const chunks = info.mode === 'triage' ? regions() : pageTables(info.mode);
  return { chunks, total };
}

// --- The loop ---

export interface SearchControl {
  /** Checked between chunks. */
  cancelled(): boolean;
  onProgress(progress: Progress): void;
}

/** Time between turns given to the event loop (and progress messages): short enough for a prompt cancel, long
 *  enough that the turn itself (setTimeout clamps nested timers to 4 ms) costs little. */
export const SLICE_MS = 30;

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function runSearch(walk: Walk, pattern: Uint8Array, maxResults: number, control: SearchControl, mask?: Uint8Array | null): Promise<SearchReply> {
  // A mask (wildcards, either case) takes the masked matcher (masked-matcher.ts).
  const matcher = mask ? new MaskedMatcher(pattern, mask) : new Matcher(pattern);
  const m = pattern.length;
  const matches: Hex[] = [];
  let truncated = false;
  let scanned = 0;
  let done = 0;
  // The last m - 1 bytes of the previous chunk and where they start, while the next chunk may continue them.
  let carry: Uint8Array | null = null;
  let carryAt = 0n;
  let sliceStart = performance.now();

  const found = (at: bigint) => {
    matches.push(toHex(at));
    if (matches.length >= maxResults) truncated = true;
    return !truncated;
  };

  for (;;) {
    if (control.cancelled()) return { matches, truncated, cancelled: true, scanned };
    const step = walk.chunks.next();
    if (step.done) break;
    const { address, bytes, scanned: scannedInCore } = step.value;
    done = step.value.done;
    if (scannedInCore) {
      for (const at of scannedInCore.matches) if (!found(at)) break;
      scanned += scannedInCore.length;
      carry = null;  // the walker looked past the chunk itself
    } else if (bytes.length > 0) {
      // A match that starts in the carried bytes and ends in this chunk.
      if (carry && carryAt + BigInt(carry.length) === address) {
        const joint = new Uint8Array(carry.length + Math.min(m - 1, bytes.length));
        joint.set(carry);
        joint.set(bytes.subarray(0, joint.length - carry.length), carry.length);
        const base = carryAt;
        matcher.scan(joint, (i) => found(base + BigInt(i)));
      }
      if (!truncated) matcher.scan(bytes, (i) => found(address + BigInt(i)));
      scanned += bytes.length;
      if (m > 1) {
        // Keep the tail, joined to the previous carry when this chunk is shorter than it.
        const tail: Uint8Array = bytes.length >= m - 1 ? bytes.slice(bytes.length - (m - 1))
          : concatTail(carry && carryAt + BigInt(carry.length) === address ? carry : null, bytes, m - 1);
        carry = tail;
        carryAt = address + BigInt(bytes.length) - BigInt(tail.length);
      }
    } else {
      carry = null;
    }
    if (truncated) break;
    if (performance.now() - sliceStart >= SLICE_MS) {
      control.onProgress({ done, total: walk.total });
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  return { matches, truncated, cancelled: false, scanned };
}

/** The last `keep` bytes of previous + bytes (previous may be null). */
function concatTail(previous: Uint8Array | null, bytes: Uint8Array, keep: number): Uint8Array {
  const all = new Uint8Array((previous?.length ?? 0) + bytes.length);
  if (previous) all.set(previous);
  all.set(bytes, previous?.length ?? 0);
  return all.slice(Math.max(0, all.length - keep));
}
