// The data providers behind the one hex view: the dump file, physical memory, and virtual memory through a DTB. Each
// answers the same questions (how big, the bytes of a page or why they are missing, where the next readable byte is,
// what an address is), so the view never asks which space it shows.
import type { DumpHandle, PhysicalRange, Translation, VirtualMemoryInfo, VirtualMemoryMode } from '../api/types';
import type { AddressSpaceKind } from '../viewer/context';
import { exactSize } from './hex-format';
import type { MissingReason, Page } from './page-cache';
import { describeStructure, type StructureMap } from './structure-map';

export const MEMORY_PAGE_SIZE = 4096;
/** The file is read in bigger pages: it has no holes, and fewer requests cross to the worker. */
export const FILE_PAGE_SIZE = 16384;
/** Copies and other long reads go in chunks of this size (the API reads at most 64 MiB at a time). */
const RANGE_CHUNK = 1 << 20;

export interface AddressSpace {
  readonly kind: AddressSpaceKind;
  /** One past the last address: the file size; the top of the highest present physical range; 2^64 or 2^32. */
  readonly size: bigint;
  /** The unit readPage() reads and the page cache keeps. */
  readonly pageSize: number;
  /** Virtual memory only: the page tables walked. */
  readonly dtb?: bigint;
  /** How the address column spells an address: 16 hex digits in a 64-bit space. */
  readonly addressDigits: number;
  /** The page at `pageIndex` * pageSize: its bytes, or why (some of) they are missing. Never rejects for memory the
   *  dump does not hold: that is a missing page. */
  readPage(pageIndex: bigint): Promise<Page>;
  /** The first readable address at or after `from`, or null when there is none. */
  nextPresent(from: bigint): Promise<bigint | null>;
  /** One line about `address`: the translation, the page frame, the file structure. */
  describe(address: bigint): Promise<string>;
  /** [address, address + length) for a copy, in large reads; stops at the first missing byte. */
  readRange(address: bigint, length: number): Promise<{ bytes: Uint8Array; missing: MissingReason | null }>;
}

/** The error of a read that could not start: the core's code and message ("page-not-in-dump", "not-present", ...). */
export function missingReason(error: unknown): MissingReason {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'read-failed', message: error.message };
  }
  return { code: 'read-failed', message: String(error) };
}

/** What the user reads for a missing region: the reason in a few words. */
export function missingLabel(reason: MissingReason): string {
  switch (reason.code) {
    case 'page-not-in-dump': return 'not in the dump';
    case 'file-ends-early': return 'not in the dump: the file is truncated';
    case 'not-present': return 'not mapped';
    case 'page-table-page-missing': return 'page table not in the dump';
    case 'unsupported': return 'not available in this dump';
    case 'not-saved': return 'not saved in this triage dump';
    default: return 'not readable';
  }
}

/** 16 hex digits when the space reaches past 4 GiB, else 8. */
function digitsFor(size: bigint): number {
  return size > 1n << 32n ? 16 : 8;
}

abstract class BaseSpace implements AddressSpace {
  abstract readonly kind: AddressSpaceKind;
  abstract readonly size: bigint;
  abstract readonly pageSize: number;
  abstract readonly addressDigits: number;

  constructor(protected readonly dump: DumpHandle) {}

  /** The dump's read for this space: rejects when the first byte cannot be read, comes back short at the first that
   *  cannot. */
  protected abstract read(address: bigint, length: number): Promise<Uint8Array>;
  abstract nextPresent(from: bigint): Promise<bigint | null>;
  abstract describe(address: bigint): Promise<string>;

  async readPage(pageIndex: bigint): Promise<Page> {
    const start = pageIndex * BigInt(this.pageSize);
    if (start >= this.size) return { bytes: new Uint8Array(0), missing: { code: 'out-of-range', message: 'past the end of the space' } };
    const want = Number(minBig(BigInt(this.pageSize), this.size - start));
    let bytes: Uint8Array;
    try {
      bytes = await this.read(start, want);
    } catch (error) {
      return { bytes: new Uint8Array(0), missing: missingReason(error) };
    }
    if (bytes.length >= this.pageSize) return { bytes, missing: null };
    if (bytes.length >= want) return { bytes, missing: { code: 'out-of-range', message: 'past the end of the space' } };
    return { bytes, missing: await this.reasonAt(start + BigInt(bytes.length)) };
  }

  async readRange(address: bigint, length: number): Promise<{ bytes: Uint8Array; missing: MissingReason | null }> {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = address + BigInt(done);
      if (at >= this.size) return { bytes: out.subarray(0, done), missing: { code: 'out-of-range', message: `0x${at.toString(16)} is past the end of the space` } };
      const want = Math.min(RANGE_CHUNK, length - done);
      let chunk: Uint8Array;
      try {
        chunk = await this.read(at, want);
      } catch (error) {
        return { bytes: out.subarray(0, done), missing: missingReason(error) };
      }
      out.set(chunk.subarray(0, want), done);
      done += Math.min(chunk.length, want);
      if (chunk.length < want) return { bytes: out.subarray(0, done), missing: await this.reasonAt(address + BigInt(done)) };
    }
    return { bytes: out, missing: null };
  }

  /** Why the byte at `address` cannot be read: the error of a one-byte read there. */
  private async reasonAt(address: bigint): Promise<MissingReason> {
    try {
      await this.read(address, 1);
    } catch (error) {
      return missingReason(error);
    }
    return { code: 'short-read', message: `the read stopped early at 0x${address.toString(16)}` };
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The dump file as it is on disk, with its structures named. */
export class FileSpace extends BaseSpace {
  readonly kind = 'file' as const;
  readonly size: bigint;
  readonly pageSize = FILE_PAGE_SIZE;
  readonly addressDigits: number;

  constructor(dump: DumpHandle, private readonly structures: () => StructureMap | null) {
    super(dump);
    this.size = dump.fileSize;
    this.addressDigits = digitsFor(this.size);
  }

  protected read(address: bigint, length: number): Promise<Uint8Array> {
    return this.dump.readFile(address, length);
  }

  async nextPresent(from: bigint): Promise<bigint | null> {
    return from < this.size ? (from < 0n ? 0n : from) : null;
  }

  async describe(address: bigint): Promise<string> {
    const found = this.structures()?.at(address);
    if (!found) return `file offset 0x${address.toString(16)}`;
    return describeStructure(found, address);
  }
}

/** Physical memory: the pages the dump holds, holes in between. */
export class PhysicalSpace extends BaseSpace {
  readonly kind = 'physical' as const;
  readonly size: bigint;
  readonly pageSize = MEMORY_PAGE_SIZE;
  readonly addressDigits: number;

  constructor(dump: DumpHandle, private readonly ranges: PhysicalRange[]) {
    super(dump);
    let top = 0n;
    for (const range of ranges) {
      const end = range.base + BigInt(range.pages) * BigInt(MEMORY_PAGE_SIZE);
      if (end > top) top = end;
    }
    this.size = top;
    this.addressDigits = digitsFor(top);
  }

  protected read(address: bigint, length: number): Promise<Uint8Array> {
    return this.dump.readPhysical(address, length);
  }

  async nextPresent(from: bigint): Promise<bigint | null> {
    if (from >= this.size) return null;
    const start = from < 0n ? 0n : from;
    const pfn = start / BigInt(MEMORY_PAGE_SIZE);
    const next = await this.dump.nextPhysicalPage(pfn);
    if (next === null) return null;
    return next === pfn ? start : next * BigInt(MEMORY_PAGE_SIZE);
  }

  /** Whether the dump holds the page of `address` (from the memory map, no read). */
  holds(address: bigint): boolean {
    return this.ranges.some((r) => address >= r.base && address < r.base + BigInt(r.pages) * BigInt(MEMORY_PAGE_SIZE));
  }

  async describe(address: bigint): Promise<string> {
    const pfn = address / BigInt(MEMORY_PAGE_SIZE);
    return `PFN 0x${pfn.toString(16)}${this.holds(address) ? '' : ' · not in the dump'}`;
  }
}

/** The entry that maps a page of `pageSize` bytes, by paging mode ("PTE" for a 4 KiB x64 page). */
function entryName(mode: VirtualMemoryMode, pageSize: number): string {
  if (mode === 'arm64') return pageSize >= 1 << 30 ? 'L1 block' : pageSize >= 1 << 21 ? 'L2 block' : 'L3 page';
  if (mode === 'arm') return pageSize >= 1 << 24 ? 'L1 supersection' : pageSize >= 1 << 20 ? 'L1 section' : pageSize > MEMORY_PAGE_SIZE ? 'L2 large page' : 'L2 small page';
  if (pageSize >= 1 << 30) return 'PDPTE';
  return pageSize > MEMORY_PAGE_SIZE ? 'PDE' : 'PTE';
}

/** "PTE → PA 0x423abc, 4 KiB, RWX, kernel" */
export function describeTranslation(mode: VirtualMemoryMode, t: Translation): string {
  const rights = `R${t.writable ? 'W' : '-'}${t.executable ? 'X' : '-'}`;
  const parts = [`${entryName(mode, t.pageSize)} → PA 0x${t.gpa.toString(16)}`, exactSize(t.pageSize), rights, t.user ? 'user' : 'kernel'];
  if (t.transition) parts.push('transition PTE (the data may be stale)');
  return parts.join(', ');
}

/** Virtual memory through one DTB's page tables (or a triage dump's saved regions). */
export class VirtualSpace extends BaseSpace {
  readonly kind = 'virtual' as const;
  readonly size: bigint;
  readonly pageSize = MEMORY_PAGE_SIZE;
  readonly addressDigits: number;
  readonly dtb: bigint | undefined;

  constructor(dump: DumpHandle, private readonly info: VirtualMemoryInfo, dtb: bigint | undefined) {
    super(dump);
    this.size = info.pointerSize === 4 ? 1n << 32n : 1n << 64n;
    this.addressDigits = info.pointerSize === 4 ? 8 : 16;
    this.dtb = dtb ?? info.dtb ?? undefined;
  }

  private get options(): { dtb?: bigint } {
    return this.dtb === undefined ? {} : { dtb: this.dtb };
  }

  protected read(address: bigint, length: number): Promise<Uint8Array> {
    return this.dump.readVirtual(address, length, this.options);
  }

  override async readPage(pageIndex: bigint): Promise<Page> {
    const page = await super.readPage(pageIndex);
    // A triage dump has no page tables: what it lacks was not saved, whatever the walker's error code says.
    if (this.info.mode === 'triage' && page.missing && page.missing.code !== 'out-of-range') return { bytes: page.bytes, missing: { code: 'not-saved', message: page.missing.message } };
    return page;
  }

  async nextPresent(from: bigint): Promise<bigint | null> {
    if (from >= this.size) return null;
    const next = await this.dump.nextMappedVirtual(from < 0n ? 0n : from, this.options);
    return next !== null && next < this.size ? next : null;
  }

  async describe(address: bigint): Promise<string> {
    if (this.info.mode === 'triage') {
      const region = this.info.regions.find((r) => address >= r.address && address < r.address + BigInt(r.size));
      return region ? `saved ${region.kind} at 0x${region.address.toString(16)} (${exactSize(region.size)})` : 'not saved in this triage dump';
    }
    try {
      return describeTranslation(this.info.mode, await this.dump.translate(address, this.options));
    } catch (error) {
      const reason = missingReason(error);
      return `${missingLabel(reason)}: ${reason.message}`;
    }
  }
}

/** The space of `kind` over `dump`; physical and virtual memory first ask the dump for their extent. */
export async function openAddressSpace(
  dump: DumpHandle,
  kind: AddressSpaceKind,
  options: { dtb?: bigint; structures?: () => StructureMap | null } = {},
): Promise<AddressSpace> {
  switch (kind) {
    case 'file': return new FileSpace(dump, options.structures ?? (() => null));
    case 'physical': return new PhysicalSpace(dump, await dump.physicalRanges());
    case 'virtual': return new VirtualSpace(dump, await dump.virtualMemory(), options.dtb);
  }
}
