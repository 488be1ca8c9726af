// The binding's physical and virtual memory calls: readPhysical, readVirtual, translate, physicalRanges,
// nextPhysicalPage, virtualMemoryInfo, virtualRegions. Addresses cross as "0x..." strings; errors come back as values.
import { afterEach, describe, expect, it } from 'vitest';
import type { DumpHandle } from '@wasm/kdmpview';
import { NodeFileSource } from '@wasm/node-file-source';
import { PageTables, buildTriageDump } from './dump-builder';
import { cliSummary, fixture, loadModule, openBytes } from './support';

const opened: DumpHandle[] = [];
const sources: NodeFileSource[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.delete();
  for (const s of sources.splice(0)) s.close();
});

async function openFixture(name: string): Promise<DumpHandle> {
  const source = new NodeFileSource(fixture(name));
  sources.push(source);
  const result = (await loadModule()).open(source);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  opened.push(result.dump);
  return result.dump;
}

/** The fixture pattern: the u64 at each 8-aligned physical address A is A. */
function u64s(bytes: Uint8Array): bigint[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: Math.floor(bytes.length / 8) }, (_, i) => view.getBigUint64(i * 8, true));
}

function okBytes(result: ReturnType<DumpHandle['readPhysical']>): Uint8Array {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.bytes;
}

describe('readPhysical', () => {
  // full-two-runs.dmp holds PFNs 0x1-0x4 and 0x10-0x11.
  it('reads the pattern at a physical address', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    expect(u64s(okBytes(dump.readPhysical('0x1008', 16)))).toEqual([0x1008n, 0x1010n]);
    expect(u64s(okBytes(dump.readPhysical('0x11FF8', 8)))).toEqual([0x11ff8n]);  // upper-case digits too
  });

  it('reads across pages and stops at the first page the dump does not hold', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    const bytes = okBytes(dump.readPhysical('0x4ff0', 0x100));
    expect(bytes.length).toBe(0x10);
    expect(u64s(bytes)).toEqual([0x4ff0n, 0x4ff8n]);
    expect(okBytes(dump.readPhysical('0x1000', 0x5000)).length).toBe(0x4000);
  });

  it('fails naming the address when the first page is missing, exact to 64 bits', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    for (const address of ['0x5000', '0xfffffffffffff123']) {
      const result = dump.readPhysical(address, 16);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('page-not-in-dump');
      expect(result.error.where).toBe(address);
      expect(result.error.message).toContain(address);
    }
  });

  it('reads zero bytes as an empty result', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    expect(okBytes(dump.readPhysical('0x5000', 0)).length).toBe(0);
  });

  it('is unsupported in a triage dump', async () => {
    const dump = await openFixture('triage-header-only.dmp');
    const result = dump.readPhysical('0x1000', 16);
    expect(!result.ok && result.error.code).toBe('unsupported');
  });

  it('rejects addresses that are not "0x..." strings and bad lengths', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    const bad: [unknown, number][] = [
      ['1000', 16], ['0x', 16], ['0x12345678901234567', 16], ['0x10g0', 16], [0x1000, 16], [4096n, 16], [undefined, 16],
      ['0x1000', -1], ['0x1000', 1.5], ['0x1000', 16 * 1024 * 1024 + 1], ['0x1000', Number.NaN],
    ];
    for (const [address, length] of bad) {
      const result = dump.readPhysical(address as string, length);
      expect(!result.ok && result.error.code, `${String(address)}, ${length}`).toBe('invalid-argument');
    }
    expect(dump.readPhysical('0x1000', 16 * 1024 * 1024).ok).toBe(true);
  });
});

describe('readFile', () => {
  it('caps a read at 16 MiB', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    expect(dump.readFile(0, 16 * 1024 * 1024 + 1)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });
});

describe('physicalRanges and nextPhysicalPage', () => {
  it.each([
    'full-two-runs.dmp', 'sample.dmp', 'full32.dmp', 'full-42-runs.dmp', 'bitmap-kernel.dmp', 'bitmap32.dmp',
    'bitmap-partial-byte.dmp', 'rdmp-kernel.dmp', 'rdmp-complete.dmp', 'triage-header-only.dmp',
  ])('%s: the memory map is the summary\'s', async (name) => {
    const dump = await openFixture(name);
    const expected = (cliSummary(fixture(name)) as { physicalMemory?: { ranges: unknown[] } | null }).physicalMemory;
    expect(dump.physicalRanges()).toEqual(expected?.ranges ?? []);
  });

  it('lists merged ranges as physical addresses and page counts', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    expect(dump.physicalRanges()).toEqual([{ base: '0x1000', pages: 4 }, { base: '0x10000', pages: 2 }]);
  });

  it('finds the next present page, or null past the last', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    expect(dump.nextPhysicalPage('0x0')).toEqual({ ok: true, pfn: '0x1' });
    expect(dump.nextPhysicalPage('0x3')).toEqual({ ok: true, pfn: '0x3' });
    expect(dump.nextPhysicalPage('0x5')).toEqual({ ok: true, pfn: '0x10' });
    expect(dump.nextPhysicalPage('0x12')).toEqual({ ok: true, pfn: null });
    expect(dump.nextPhysicalPage('0xffffffffffffffff')).toEqual({ ok: true, pfn: null });
    expect(dump.nextPhysicalPage('12')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('finds pages in a bitmap dump\'s last partial byte', async () => {
    const dump = await openFixture('bitmap-partial-byte.dmp');
    expect(dump.nextPhysicalPage('0x42')).toEqual({ ok: true, pfn: '0x44' });
  });
});

describe('x64 page tables', () => {
  const kernel = 0xfffff80312340000n;
  async function x64Dump() {
    const tables = new PageTables('x64');
    tables.map(kernel, 0x20000);           // 4 KiB
    tables.map(kernel + 0x1000n, 0x22000);  // the next page, elsewhere in physical memory
    tables.map(kernel + 0x3000n, 0x24000);  // a gap at +0x2000
    tables.map(0xffffd00000000000n, 0x400000, 0x200000);  // 2 MiB
    tables.map(0x7ff600000000n, 0x30000);  // user half
    return { dump: await openBytes(tables.build(), opened), dtb: tables.dtb };
  }

  it('translates 4 KiB and 2 MiB pages, 64-bit exact', async () => {
    const { dump } = await x64Dump();
    expect(dump.translate('0xfffff80312340abc')).toEqual({
      ok: true, gpa: '0x20abc', pageSize: 0x1000, pageBase: '0xfffff80312340000',
      writable: true, user: false, executable: true, transition: false,
    });
    expect(dump.translate('0xfffff80312341008')).toMatchObject({ ok: true, gpa: '0x22008' });
    expect(dump.translate('0xffffd00000123456')).toMatchObject({ ok: true, gpa: '0x523456', pageSize: 0x200000, pageBase: '0xffffd00000000000' });
  });

  it('names the virtual address of a failed walk', async () => {
    const { dump } = await x64Dump();
    const result = dump.translate('0xfffff80312342000');
    expect(result).toMatchObject({ ok: false, error: { code: 'not-present', where: '0xfffff80312342000' } });
    expect(!result.ok && result.error.message).toMatch(/PTE/);
    expect(dump.translate('0x0000800000000000')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('uses another dtb when given one, and says when its tables are missing', async () => {
    const { dump, dtb } = await x64Dump();
    const hexDtb = `0x${dtb.toString(16)}`;
    expect(dump.translate('0xfffff80312340000', hexDtb)).toMatchObject({ ok: true, gpa: '0x20000' });
    expect(dump.translate('0xfffff80312340000', '0x9000000')).toMatchObject({ ok: false, error: { code: 'page-table-page-missing' } });
    expect(dump.readVirtual('0xfffff80312340000', 8, hexDtb)).toMatchObject({ ok: true });
    expect(dump.translate('0xfffff80312340000', 'nope')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('reads across mapped pages and stops before an unmapped one', async () => {
    const { dump } = await x64Dump();
    const bytes = okBytes(dump.readVirtual('0xfffff80312340ff8', 0x2000));
    expect(bytes.length).toBe(0x1008);  // to the end of the second page
    expect(u64s(bytes.subarray(0, 16))).toEqual([0x20ff8n, 0x22000n]);
    const missing = dump.readVirtual('0xfffff80312342000', 16);
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-present', where: '0xfffff80312342000' } });
  });

  it('describes the address space', async () => {
    const { dump, dtb } = await x64Dump();
    expect(dump.virtualMemoryInfo()).toEqual({ ok: true, mode: 'x64', pointerSize: 8, dtb: `0x${dtb.toString(16)}` });
    expect(dump.virtualRegions()).toEqual([]);
  });

  it('answers many reads in a row from the same address space', async () => {
    const { dump } = await x64Dump();
    for (let i = 0; i < 2000; ++i) expect(dump.readVirtual('0xfffff80312340000', 8).ok).toBe(true);
  });
});

describe.each([
  ['arm64', 0xffff800012345000n, 8],
  ['x86-pae', 0x80123000n, 4],
  ['x86', 0x80123000n, 4],
] as const)('%s page tables', (mode, va, pointerSize) => {
  it('translates and reads through the binding', async () => {
    const tables = new PageTables(mode);
    tables.map(va, 0x40000);
    const dump = await openBytes(tables.build(), opened);
    const hex = `0x${va.toString(16)}`;
    expect(dump.virtualMemoryInfo()).toMatchObject({ ok: true, mode, pointerSize });
    expect(dump.translate(`0x${(va + 0x10n).toString(16)}`)).toMatchObject({ ok: true, gpa: '0x40010', pageSize: 0x1000, pageBase: hex });
    expect(u64s(okBytes(dump.readVirtual(hex, 16)))).toEqual([0x40000n, 0x40008n]);
    expect(dump.translate(`0x${(va + 0x1000n).toString(16)}`)).toMatchObject({ ok: false, error: { code: 'not-present' } });
  });
});

describe('a triage dump\'s saved regions', () => {
  const stackVa = 0xffffd00012340000n;
  const blockVa = 0xfffff80312a00000n;
  async function triageDump() {
    const stack = new Uint8Array(0x2000).fill(0x53);
    const block = new Uint8Array(0x100).fill(0x42);
    return openBytes(buildTriageDump({ va: stackVa, bytes: stack }, [{ va: blockVa, bytes: block }]), opened);
  }

  it('lists the regions and reads them as virtual memory', async () => {
    const dump = await triageDump();
    expect(dump.virtualMemoryInfo()).toEqual({ ok: true, mode: 'triage', pointerSize: 8, dtb: null });
    expect(dump.virtualRegions()).toEqual(expect.arrayContaining([
      { address: '0xffffd00012340000', size: 0x2000, kind: 'call stack' },
      { address: '0xfffff80312a00000', size: 0x100, kind: 'data block' },
    ]));
    expect(okBytes(dump.readVirtual('0xfffff80312a00010', 4))).toEqual(new Uint8Array(4).fill(0x42));
  });

  it('reads up to the end of a region, and fails outside every region', async () => {
    const dump = await triageDump();
    const tail = okBytes(dump.readVirtual('0xfffff80312a000f0', 0x40));
    expect(tail).toEqual(new Uint8Array(0x10).fill(0x42));
    expect(dump.readVirtual('0xfffff80312a00100', 4)).toMatchObject({ ok: false, error: { code: 'not-present', where: '0xfffff80312a00100' } });
    expect(dump.readVirtual('0xfffff80312a00000', 4, '0x1000')).toMatchObject({ ok: true });  // dtb does not matter
  });

  it('has no page tables to translate through', async () => {
    const dump = await triageDump();
    expect(dump.translate('0xfffff80312a00000')).toMatchObject({ ok: false, error: { code: 'unsupported', where: '0xfffff80312a00000' } });
    expect(dump.physicalRanges()).toEqual([]);
    expect(dump.nextPhysicalPage('0x0')).toEqual({ ok: true, pfn: null });
  });
});
