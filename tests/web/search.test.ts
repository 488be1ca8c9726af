// The search: the matcher against a naive scan, chunk boundaries, and the walkers over the file, physical memory
// and virtual memory (skipping unmapped memory by the level the core's errors name).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DumpHandle } from '@wasm/kdmpview';
import { BytesSource } from '@wasm/bytes-source';
import { NodeFileSource } from '@wasm/node-file-source';
import { encodePattern } from '../../web/src/pattern';
import { Matcher, runSearch, scanFile, unmappedSpan, walkFile, walkPhysical, walkVirtual, type Walk } from '../../web/src/worker/search';
import { PageTables } from '../wasm/dump-builder';
import { fixture, loadModule } from '../wasm/support';

const opened: DumpHandle[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.delete();
});

async function openBytes(bytes: Uint8Array): Promise<DumpHandle> {
  const result = (await loadModule()).open(new BytesSource(bytes));
  if (!result.ok) throw new Error(result.error.message);
  opened.push(result.dump);
  return result.dump;
}

function naive(hay: Uint8Array, pattern: Uint8Array): number[] {
  const out: number[] = [];
  outer: for (let i = 0; i + pattern.length <= hay.length; ++i) {
    for (let j = 0; j < pattern.length; ++j) if (hay[i + j] !== pattern[j]) continue outer;
    out.push(i);
  }
  return out;
}

/** Deterministic bytes from a small alphabet, so short patterns match often. */
function noise(length: number, alphabet = 4, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; ++i) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = 0x41 + ((x >>> 16) % alphabet);
  }
  return out;
}

const noControl = { cancelled: () => false, onProgress: () => {} };

describe('Matcher', () => {
  it.each([1, 2, 3, 5, 8, 17])('finds what a naive scan finds, pattern length %i', (m) => {
    const hay = noise(20_000, 3, m);
    const pattern = hay.slice(1234, 1234 + m);
    const found: number[] = [];
    new Matcher(pattern).scan(hay, (i) => (found.push(i), true));
    expect(found).toEqual(naive(hay, pattern));
    expect(found.length).toBeGreaterThan(0);
  });

  it('finds overlapping matches and stops when told', () => {
    const hay = new Uint8Array(10).fill(0x61);
    const found: number[] = [];
    expect(new Matcher(new Uint8Array([0x61, 0x61])).scan(hay, (i) => (found.push(i), found.length < 4))).toBe(false);
    expect(found).toEqual([0, 1, 2, 3]);
  });
});

describe('runSearch over the file', () => {
  it.each([1, 2, 7, 64])('finds matches across chunk boundaries (pattern of %i bytes, 50-byte chunks)', async (m) => {
    const bytes = noise(5000, 2, m);
    const pattern = bytes.slice(777, 777 + m);
    const result = await runSearch(walkFile(new BytesSource(bytes), 0, bytes.length, 50), pattern, 100_000, noControl);
    expect(result.matches.map(Number)).toEqual(naive(bytes, pattern));
    expect(result).toMatchObject({ truncated: false, cancelled: false, scanned: 5000 });
  });

  it('keeps the carry across chunks shorter than the pattern', async () => {
    const bytes = noise(300, 2, 9);
    const pattern = bytes.slice(100, 120);
    const result = await runSearch(walkFile(new BytesSource(bytes), 3, 290, 7), pattern, 1000, noControl);
    expect(result.matches.map(Number)).toEqual(naive(bytes.subarray(0, 290), pattern).filter((i) => i >= 3));
  });

  it('searches only [start, end)', async () => {
    const bytes = new TextEncoder().encode('xxABxxABxxABxx');
    const result = await runSearch(walkFile(new BytesSource(bytes), 3, 12, 4), encodePattern({ ascii: 'AB' }), 10, noControl);
    expect(result.matches).toEqual(['0x6', '0xa']);
  });

  it('stops at maxResults and says so', async () => {
    const bytes = new Uint8Array(1000);
    const result = await runSearch(walkFile(new BytesSource(bytes), 0, 1000, 64), new Uint8Array([0, 0]), 10, noControl);
    expect(result.matches).toHaveLength(10);
    expect(result.truncated).toBe(true);
  });

  it('stops when cancelled, with what it found so far', async () => {
    const bytes = new Uint8Array(4096);
    let chunks = 0;
    const result = await runSearch(walkFile(new BytesSource(bytes), 0, 4096, 256), new Uint8Array([1]), 10, {
      cancelled: () => ++chunks > 3,
      onProgress: () => {},
    });
    expect(result.cancelled).toBe(true);
    expect(result.scanned).toBe(3 * 256);
  });

  it('fails with an io error naming the offset when the source fails', async () => {
    const failing = { size: 1 << 20, lastError: 'gone', read: () => -1 };
    await expect(runSearch(walkFile(failing, 0x1000, 1 << 20), new Uint8Array([1]), 10, noControl))
      .rejects.toMatchObject({ code: 'io', where: '0x1000', message: expect.stringContaining('gone') });
  });

  it('reports progress while it runs', async () => {
    const bytes = new Uint8Array(8 << 20);
    const progress: number[] = [];
    // A slow walker: each chunk takes a few milliseconds, so time slices end and progress is sent.
    const inner = walkFile(new BytesSource(bytes), 0, bytes.length, 256 * 1024);
    const slow: Walk = {
      total: inner.total,
      chunks: { next: () => { const until = performance.now() + 3; while (performance.now() < until); return inner.chunks.next(); } },
    };
    await runSearch(slow, new Uint8Array([9]), 10, { cancelled: () => false, onProgress: (p) => progress.push(p.done / p.total) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p, i) => p > 0 && p <= 1 && (i === 0 || p >= progress[i - 1]!))).toBe(true);
  });
});

describe('walkPhysical', () => {
  it('walks present ranges only and finds the fixture pattern', async () => {
    const source = new NodeFileSource(fixture('full-two-runs.dmp'));
    const result = (await loadModule()).open(source);
    if (!result.ok) throw new Error(result.error.message);
    opened.push(result.dump);
    // The u64 at physical 0x10008 is 0x10008.
    const pattern = new Uint8Array(new BigUint64Array([0x10008n]).buffer);
    const walk = walkPhysical(result.dump, 0n, 1n << 64n, pattern, 10);
    expect(walk.total).toBe(6 * 0x1000);
    const found = await runSearch(walk, pattern, 10, noControl);
    expect(found.matches).toEqual(['0x10008']);
    expect(found.scanned).toBe(6 * 0x1000);
    // Limited to a range.
    const within = await runSearch(walkPhysical(result.dump, 0x2000n, 0x10000n, pattern, 10), pattern, 10, noControl);
    expect(within).toMatchObject({ matches: [], scanned: 0x3000 });
  });

  it('steps over pages past the end of a truncated file', async () => {
    const source = new NodeFileSource(fixture('full-truncated.dmp'));
    const result = (await loadModule()).open(source);
    if (!result.ok) throw new Error(result.error.message);
    opened.push(result.dump);
    const pattern = new Uint8Array(new BigUint64Array([0x4ff8n]).buffer);
    const found = await runSearch(walkPhysical(result.dump, 0n, 1n << 64n, pattern, 10), pattern, 10, noControl);
    expect(found.matches).toEqual(['0x4ff8']);
    expect(found.scanned).toBeLessThan(6 * 0x1000);
    source.close();
  });
});

/** A dump file with noise after it: the file search's haystack. */
function dumpWithNoise(length: number, alphabet = 3): Uint8Array {
  const head = readFileSync(fixture('full-two-runs.dmp'));
  const bytes = new Uint8Array(head.length + length);
  bytes.set(head);
  bytes.set(noise(length, alphabet, 7), head.length);
  return bytes;
}

describe('scanning in the core', () => {
  it('finds in the file what a naive scan finds, across chunk boundaries and with [start, end)', async () => {
    const bytes = dumpWithNoise(20000);
    const dump = await openBytes(bytes);
    for (const pattern of [new Uint8Array([0x41]), new Uint8Array([0x41, 0x42, 0x43]), noise(5, 3, 9)]) {
      const expected = naive(bytes, pattern);
      for (const chunk of [7, 64, 4096]) {
        const result = await runSearch(scanFile(dump, 0, bytes.length, pattern, 100_000, chunk), pattern, 100_000, noControl);
        expect(result.matches).toEqual(expected.map((i) => `0x${i.toString(16)}`));
        expect(result.scanned).toBe(bytes.length);
      }
      // Only matches that lie whole inside [start, end).
      const inside = await runSearch(scanFile(dump, 100, 9000, pattern, 100_000, 333), pattern, 100_000, noControl);
      expect(inside.matches).toEqual(expected.filter((i) => i >= 100 && i + pattern.length <= 9000).map((i) => `0x${i.toString(16)}`));
    }
  });

  it('stops at the result cap and says so', async () => {
    const dump = await openBytes(dumpWithNoise(10000, 1));
    const from = Number(dump.fileSize()) - 10000;
    const pattern = new Uint8Array([0x41, 0x41]);
    const result = await runSearch(scanFile(dump, from, from + 10000, pattern, 5, 1000), pattern, 5, noControl);
    expect(result.matches).toEqual([0, 1, 2, 3, 4].map((i) => `0x${(from + i).toString(16)}`));
    expect(result.truncated).toBe(true);
  });

  it('scanFile answers errors as values', async () => {
    const dump = await openBytes(dumpWithNoise(100));
    const size = Number(dump.fileSize());
    expect(dump.scanFile(0, 10, 0, new Uint8Array(0), 1)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(dump.scanFile(-1, 10, 0, new Uint8Array([1]), 1)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(dump.scanFile(0, 16 * 2 ** 20, 1, new Uint8Array([1]), 1)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(dump.scanFile(size - 10, 50, 3, new Uint8Array([0x41]), 100)).toMatchObject({ ok: true, read: 10 });
    expect(dump.scanFile(size + 10, 50, 3, new Uint8Array([0x41]), 100)).toMatchObject({ ok: true, read: 0, matches: [] });
  });

  it('physical memory by file extents finds what the physical reads hold, chunk boundaries included', async () => {
    const source = new NodeFileSource(fixture('bitmap-kernel.dmp'));
    const result = (await loadModule()).open(source);
    if (!result.ok) throw new Error(result.error.message);
    opened.push(result.dump);
    const dump = result.dump;
    const extents = dump.physicalExtents();
    expect(extents.reduce((n, e) => n + e.pages, 0)).toBe(dump.physicalRanges().reduce((n, r) => n + r.pages, 0));
    for (const e of extents) {
      // The extent's first page in the file holds that page's bytes.
      const inFile = dump.readFile(e.fileOffset, 8);
      const inMemory = dump.readPhysical(e.base, 8);
      expect(inFile.ok && inMemory.ok && [...inFile.bytes]).toEqual(inMemory.ok && [...inMemory.bytes]);
    }
    // Every present page's u64 at page offset 0xffc..0x1003 straddles a page: a 8-byte pattern at 0xffc.
    const pages = dump.physicalRanges().flatMap((r) => Array.from({ length: r.pages }, (_, i) => BigInt(r.base) + BigInt(i) * 0x1000n));
    const target = pages[1]! + 0xffcn;
    const read = dump.readPhysical(`0x${target.toString(16)}`, 8);
    if (!read.ok) throw new Error(read.error.message);
    const pattern = read.bytes;
    for (const chunk of [0x1000, 0x800, 0x10000]) {
      const found = await runSearch(walkPhysical(dump, 0n, 1n << 64n, pattern, 100, chunk), pattern, 100, noControl);
      expect(found.matches).toContain(`0x${target.toString(16)}`);
      expect(found.scanned).toBe(pages.length * 0x1000);
    }
    source.close();
  });
});

describe('walkVirtual', () => {
  const marker = encodePattern({ ascii: 'KDMPVIEW-MARKER' });

  async function x64WithMarkers() {
    const tables = new PageTables('x64');
    const spots = [0x7ff6_1234_5000n, 0xffff_8000_0000_0000n, 0xffff_d000_0000_0000n + 0x1ff000n, 0xffff_f803_1234_0000n];
    let gpa = 0x40000;
    for (const va of spots) {
      tables.map(va, gpa);
      tables.memory.write(gpa + 0x100, marker);
      gpa += 0x1000;
    }
    // Two adjacent pages with the marker straddling them.
    tables.map(0xffff_f803_1240_0000n, gpa);
    tables.map(0xffff_f803_1240_1000n, gpa + 0x3000);
    tables.memory.write(gpa + 0xff8, marker.subarray(0, 8));
    tables.memory.write(gpa + 0x3000, marker.subarray(8));
    const dump = await openBytes(tables.build());
    return { dump, spots };
  }

  it('finds markers across the whole x64 address space, skipping unmapped memory by level', async () => {
    const { dump, spots } = await x64WithMarkers();
    let translations = 0;
    const counting = new Proxy(dump, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (key === 'translate') return (...args: [string]) => (++translations, target.translate(...args));
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const result = await runSearch(walkVirtual(counting, 0n, 1n << 64n), marker, 100, noControl);
    expect(result.matches).toEqual([...spots.map((va) => `0x${(va + 0x100n).toString(16)}`), '0xfffff80312400ff8']);
    expect(result.scanned).toBe(6 * 0x1000);
    // One translation per entry of each table on the way to a mapped page (512 PML4Es, then 512 entries per level
    // under the four mapped PML4Es): about 6,700, where one per page would be 2^52.
    expect(translations).toBeLessThan(8000);
  });

  it('searches a VA range with another dtb', async () => {
    const { dump, spots } = await x64WithMarkers();
    const info = dump.virtualMemoryInfo();
    if (!info.ok || !info.dtb) throw new Error('no dtb');
    const start = spots[2]!;
    const result = await runSearch(walkVirtual(dump, start, start + 0x1000n, info.dtb), marker, 10, noControl);
    expect(result.matches).toEqual([`0x${(start + 0x100n).toString(16)}`]);
    const missing = await runSearch(walkVirtual(dump, start, start + 0x1000n, '0x7000000'), marker, 10, noControl);
    expect(missing).toMatchObject({ matches: [], scanned: 0 });
  });

  it('walks a 32-bit address space to its top', async () => {
    const tables = new PageTables('x86-pae');
    tables.map(0xfffff000n, 0x50000);
    tables.memory.write(0x50ff0, marker.subarray(0, 8));
    const result = await runSearch(walkVirtual(await openBytes(tables.build()), 0n, 1n << 64n), marker.subarray(0, 8), 10, noControl);
    expect(result.matches).toEqual(['0xfffffff0']);
  });

  it('skips what the core says a failed translation rules out', async () => {
    const tables = new PageTables('x86-pae');
    tables.map(0xfffff000n, 0x50000);
    const dump = await openBytes(tables.build());
    // PDPTE 0 is not present: the core reports the 1 GiB it maps.
    const pdpte = dump.translate('0x1000');
    expect(pdpte.ok).toBe(false);
    if (!pdpte.ok) expect(unmappedSpan(pdpte.error)).toBe(1n << 30n);
    // Inside the mapped page table, a not-present PTE rules out one page.
    const pte = dump.translate('0xffffe000');
    expect(pte.ok).toBe(false);
    if (!pte.ok) expect(unmappedSpan(pte.error)).toBe(0x1000n);
  });

  it('falls back to one page when an error carries no span', () => {
    const error = (span?: string) => ({ code: 'not-present' as const, message: 'm', where: '0x0', ...(span ? { span } : {}) });
    expect(unmappedSpan(error('0x200000'))).toBe(0x200000n);
    expect(unmappedSpan(error())).toBe(0x1000n);
    expect(unmappedSpan(error('bogus'))).toBe(0x1000n);
  });
});
