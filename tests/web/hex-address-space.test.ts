// The hex view's address spaces over a fake DumpHandle (missing pages, short reads, the next present region,
// describe()), and over sample.dmp / full-two-runs.dmp through the real API.
import { describe, expect, it } from 'vitest';
import type { DumpHandle, Translation } from '../../web/src/api/types';
import { KdmpError } from '../../web/src/api/errors';
import { openDumpInProcess } from '../../web/src/api/node';
import { FileSpace, MEMORY_PAGE_SIZE, PhysicalSpace, VirtualSpace, describeTranslation, missingLabel, openAddressSpace } from '../../web/src/hex/address-space';
import { StructureMap } from '../../web/src/hex/structure-map';
import { fixture, paths } from '../wasm/support';

const PAGE = MEMORY_PAGE_SIZE;
const error = (code: string, message: string) => new KdmpError({ code, message });

/** Physical pages 0x1000-0x2fff and 0x10000-0x10fff are present, 0x10800 onwards of the last one is "truncated";
 *  virtual 0xfffff80000000000 maps to physical 0x1000 for two pages. */
function fakeDump(): DumpHandle & { calls: string[] } {
  const calls: string[] = [];
  const present = (address: bigint) => (address >= 0x1000n && address < 0x3000n) || (address >= 0x10000n && address < 0x10800n);
  const readPhysical = async (address: bigint, length: number) => {
    calls.push(`phys ${address.toString(16)} ${length}`);
    if (!present(address)) {
      if (address >= 0x10800n && address < 0x11000n) throw error('file-ends-early', `physical address 0x${address.toString(16)} is past the end of the truncated file`);
      throw error('page-not-in-dump', `physical address 0x${address.toString(16)} is not in the dump`);
    }
    let n = 0;
    while (n < length && present(address + BigInt(n))) ++n;
    return Uint8Array.from({ length: n }, (_, i) => Number((address + BigInt(i)) & 0xffn));
  };
  const VBASE = 0xfffff80000000000n;
  const translate = async (address: bigint): Promise<Translation> => {
    if (address < VBASE || address >= VBASE + 0x2000n) throw error('not-present', `PTE for 0x${address.toString(16)} is not present`);
    const pageBase = address & ~0xfffn;
    return { gpa: 0x1000n + (address - VBASE), pageSize: PAGE, pageBase, writable: true, user: false, executable: false, transition: false };
  };
  return {
    calls,
    fileSize: 0x5000n,
    headerFields: [{ name: 'Signature', offset: 0, size: 4 }, { name: 'BugCheckCode', offset: 0x38, size: 4 }],
    summary: async () => { throw new Error('unused'); },
    addSymbols: async () => { throw new Error('unused'); },
    symbolize: async () => { throw new Error('unused'); },
    resolveSymbol: async () => { throw new Error('unused'); },
    readFile: async (offset, length) => {
      calls.push(`file ${offset.toString(16)} ${length}`);
      const end = offset + BigInt(length) > 0x5000n ? 0x5000n : offset + BigInt(length);
      return Uint8Array.from({ length: Number(end - offset) }, (_, i) => Number((offset + BigInt(i)) % 251n));
    },
    readPhysical,
    readPhysicalBatch: async () => { throw new Error('unused'); },
    readVirtualBatch: async () => { throw new Error('unused'); },
    readVirtual: async (address, length, options) => {
      calls.push(`virt ${address.toString(16)} ${length} dtb=${options?.dtb?.toString(16)}`);
      const t = await translate(address);
      return readPhysical(t.gpa, Math.min(length, Number(VBASE + 0x2000n - address)));
    },
    translate,
    physicalRanges: async () => [{ base: 0x1000n, pages: 2 }, { base: 0x10000n, pages: 1 }],
    nextPhysicalPage: async (pfn) => (pfn <= 1n ? 1n : pfn <= 2n ? pfn : pfn <= 0x10n ? 0x10n : null),
    virtualMemory: async () => ({ mode: 'x64', pointerSize: 8, dtb: 0x1aa000n, regions: [] }),
    nextMappedVirtual: async (address, options) => {
      calls.push(`next ${address.toString(16)} dtb=${options?.dtb?.toString(16)}`);
      return address <= VBASE ? VBASE : address < VBASE + 0x2000n ? address : null;
    },
    fileLayout: async () => [{ kind: 'run-list', name: 'Run 1', offset: 0x88n, size: 0x20n }],
    search: () => { throw new Error('unused'); },
    stats: async () => ({ wasmHeapBytes: 0 }),
    close: async () => {},
  };
}

describe('the physical space', () => {
  it('ends at the top of the highest present range', async () => {
    const space = await openAddressSpace(fakeDump(), 'physical');
    expect(space.kind).toBe('physical');
    expect(space.size).toBe(0x11000n);
    expect(space.addressDigits).toBe(8);
  });

  it('reads present pages whole and missing ones as the error the dump gives', async () => {
    const space = await openAddressSpace(fakeDump(), 'physical');
    const present = await space.readPage(2n);
    expect(present.missing).toBeNull();
    expect(present.bytes.length).toBe(PAGE);
    expect(present.bytes[0x34]).toBe(0x34);
    const missing = await space.readPage(5n);
    expect(missing.bytes.length).toBe(0);
    expect(missing.missing).toEqual({ code: 'page-not-in-dump', message: 'physical address 0x5000 is not in the dump' });
    expect(missingLabel(missing.missing!)).toBe('not in the dump');
  });

  it('keeps the bytes of a page that stops early, and says why the rest is missing', async () => {
    const space = await openAddressSpace(fakeDump(), 'physical');
    const page = await space.readPage(0x10n);
    expect(page.bytes.length).toBe(0x800);
    expect(page.missing?.code).toBe('file-ends-early');
    expect(page.missing?.message).toContain('0x10800');
  });

  it('jumps to the next present page, or stays on a present one', async () => {
    const space = await openAddressSpace(fakeDump(), 'physical');
    expect(await space.nextPresent(0n)).toBe(0x1000n);
    expect(await space.nextPresent(0x2abcn)).toBe(0x2abcn);
    expect(await space.nextPresent(0x3000n)).toBe(0x10000n);
    expect(await space.nextPresent(0x11000n)).toBeNull();
  });

  it('describes an address by its page frame', async () => {
    const space = await openAddressSpace(fakeDump(), 'physical');
    expect(await space.describe(0x1234n)).toBe('PFN 0x1');
    expect(await space.describe(0x5000n)).toBe('PFN 0x5 · not in the dump');
  });

  it('copies a range in large reads and stops at the first missing byte', async () => {
    const dump = fakeDump();
    const space = new PhysicalSpace(dump, await dump.physicalRanges());
    const whole = await space.readRange(0x1ff0n, 0x20);
    expect(whole.missing).toBeNull();
    expect(whole.bytes[0]).toBe(0xf0);
    expect(whole.bytes[0x1f]).toBe(0x0f);
    const cut = await space.readRange(0x2ff0n, 0x20);
    expect(cut.bytes.length).toBe(0x10);
    expect(cut.missing?.message).toBe('physical address 0x3000 is not in the dump');
  });
});

describe('the virtual space', () => {
  it('spans 2^64 bytes and walks the DTB it was given', async () => {
    const dump = fakeDump();
    const space = await openAddressSpace(dump, 'virtual', { dtb: 0x5000n });
    expect(space.size).toBe(1n << 64n);
    expect(space.addressDigits).toBe(16);
    expect(space.dtb).toBe(0x5000n);
    const page = await space.readPage(0xfffff80000000000n / 4096n);
    expect(page.missing).toBeNull();
    expect(page.bytes[1]).toBe(1);
    expect(dump.calls).toContain('virt fffff80000000000 4096 dtb=5000');
  });

  it('uses the header DTB by default, and 2^32 bytes for a 32-bit machine', async () => {
    const dump = fakeDump();
    expect((await openAddressSpace(dump, 'virtual')).dtb).toBe(0x1aa000n);
    const x86 = new VirtualSpace(dump, { mode: 'x86-pae', pointerSize: 4, dtb: 0x185000n, regions: [] }, undefined);
    expect(x86.size).toBe(1n << 32n);
    expect(x86.addressDigits).toBe(8);
  });

  it('reads an unmapped page as missing, with the walker\'s reason', async () => {
    const space = await openAddressSpace(fakeDump(), 'virtual');
    const page = await space.readPage(0n);
    expect(page.bytes.length).toBe(0);
    expect(page.missing).toEqual({ code: 'not-present', message: 'PTE for 0x0 is not present' });
  });

  it('jumps with nextMappedVirtual through its DTB', async () => {
    const dump = fakeDump();
    const space = await openAddressSpace(dump, 'virtual', { dtb: 0x7000n });
    expect(await space.nextPresent(0x1000n)).toBe(0xfffff80000000000n);
    expect(await space.nextPresent(0xfffff80000002000n)).toBeNull();
    expect(dump.calls).toContain('next 1000 dtb=7000');
  });

  it('describes an address by its translation', async () => {
    const space = await openAddressSpace(fakeDump(), 'virtual');
    expect(await space.describe(0xfffff80000001234n)).toBe('PTE → PA 0x2234, 4 KiB, RW-, kernel');
    expect(await space.describe(0x10n)).toBe('not mapped: PTE for 0x10 is not present');
    expect(describeTranslation('x64', { gpa: 0x40123456n, pageSize: 0x200000, pageBase: 0n, writable: false, user: true, executable: true, transition: true }))
      .toBe('PDE → PA 0x40123456, 2 MiB, R-X, user, transition PTE (the data may be stale)');
  });

  it('describes a triage dump\'s saved regions', async () => {
    const space = new VirtualSpace(fakeDump(), { mode: 'triage', pointerSize: 8, dtb: null, regions: [{ address: 0xffffd00000001000n, size: 0x3000, kind: 'call stack' }] }, undefined);
    expect(space.dtb).toBeUndefined();
    expect(await space.describe(0xffffd00000002000n)).toBe('saved call stack at 0xffffd00000001000 (12 KiB)');
    expect(await space.describe(0x1000n)).toBe('not saved in this triage dump');
    const page = await space.readPage(1n);
    expect(page.missing?.code).toBe('not-saved');
    expect(missingLabel(page.missing!)).toBe('not saved in this triage dump');
  });
});

describe('the file space', () => {
  it('reads the file in 16 KiB pages, the last one cut at the end of the file', async () => {
    const dump = fakeDump();
    const space = new FileSpace(dump, () => null);
    expect(space.size).toBe(0x5000n);
    const last = await space.readPage(1n);
    expect(last.bytes.length).toBe(0x1000);
    expect(last.bytes[0]).toBe(0x4000 % 251);
    expect(dump.calls).toEqual(['file 4000 4096']);
    expect(await space.nextPresent(0x10n)).toBe(0x10n);
    expect(await space.nextPresent(0x5000n)).toBeNull();
  });

  it('names header fields and regions', async () => {
    const dump = fakeDump();
    const map = new StructureMap(dump.headerFields, await dump.fileLayout());
    const space = new FileSpace(dump, () => map);
    expect(await space.describe(0x38n)).toBe('BugCheckCode (0x38, 4 bytes)');
    expect(await space.describe(0x3an)).toBe('BugCheckCode (0x38, 4 bytes) +0x2');
    expect(await space.describe(0x90n)).toBe('Run 1 (0x88, 32 bytes) +0x8');
    expect(await space.describe(0x1000n)).toBe('file offset 0x1000');
  });
});

describe('over real dumps', () => {
  it('reads what the API reads, and marks the holes of full-two-runs.dmp', async () => {
    const dump = await openDumpInProcess(fixture('full-two-runs.dmp'), { wasmPath: paths.wasm });
    try {
      const physical = await openAddressSpace(dump, 'physical');
      // Runs: 4 pages at 0x1000, 2 pages at 0x10000.
      expect(physical.size).toBe(0x12000n);
      const page = await physical.readPage(1n);
      expect(page.missing).toBeNull();
      expect(page.bytes).toEqual(await dump.readPhysical(0x1000n, PAGE));
      const hole = await physical.readPage(5n);
      expect(hole.missing?.code).toBe('page-not-in-dump');
      expect(hole.missing?.message).toContain('0x5000');
      expect(await physical.nextPresent(0x5000n)).toBe(0x10000n);
      const file = await openAddressSpace(dump, 'file');
      expect([...(await file.readPage(0n)).bytes.subarray(0, 8)]).toEqual([...Buffer.from('PAGEDU64')]);
    } finally {
      await dump.close();
    }
  });

  it('reads baddrv.sys\'s first bytes in the virtual space of sample.dmp and translates them', async () => {
    const dump = await openDumpInProcess(fixture('sample.dmp'), { wasmPath: paths.wasm });
    try {
      const virtual = await openAddressSpace(dump, 'virtual');
      const page = await virtual.readPage(0xfffff80312340000n / 4096n);
      expect(page.missing).toBeNull();
      expect([...page.bytes.subarray(0, 2)]).toEqual([0x4d, 0x5a]);
      expect(await virtual.describe(0xfffff80312340010n)).toBe('PTE → PA 0x408010, 4 KiB, RWX, kernel');
      const unmapped = await virtual.readPage(0xfffff80312350000n / 4096n);
      expect(unmapped.missing?.code).toBe('not-present');
    } finally {
      await dump.close();
    }
  });
});
