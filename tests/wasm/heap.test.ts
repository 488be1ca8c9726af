// The wasm heap stays small whatever the dump's size: a 64 GiB bitmap dump (sparse on disk) is opened, summarised,
// read at scattered places in every address space and searched, and the module's memory stays under 64 MiB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DumpHandle } from '@wasm/kdmpview';
import { NodeFileSource } from '@wasm/node-file-source';
import { runSearch, scanFile, walkFile, walkPhysical } from '../../web/src/worker/search';
import { loadModule, sparseBitmapDump } from './support';

const GIB = 64;
const LIMIT = 64 * 1024 * 1024;
let sparse: ReturnType<typeof sparseBitmapDump>;
let source: NodeFileSource;
let dump: DumpHandle;
let heap: () => number;

beforeAll(async () => {
  sparse = sparseBitmapDump(GIB);
  source = new NodeFileSource(sparse.file);
  const module = await loadModule();
  heap = () => module.HEAPU8.length;
  const opened = module.open(source);
  if (!opened.ok) throw new Error(opened.error.message);
  dump = opened.dump;
});

afterAll(() => {
  dump?.delete();
  source?.close();
  sparse?.remove();
});

/** Deterministic pseudo-random integers below `bound`. */
function* scattered(count: number, bound: number, seed = 7): Generator<number> {
  let x = seed;
  for (let i = 0; i < count; ++i) {
    x = (x * 1103515245 + 12345) >>> 0;
    const high = Math.floor((x / 2 ** 32) * (bound / 2 ** 20));
    x = (x * 1103515245 + 12345) >>> 0;
    yield high * 2 ** 20 + (x % 2 ** 20);
  }
}

describe(`a ${GIB} GiB bitmap dump`, () => {
  it('opens and summarises within the heap limit', () => {
    const summary = JSON.parse(dump.summaryJson()) as { header: { fileSize: string }; physicalMemory: { pages: number } };
    expect(summary.header.fileSize).toBe(`0x${sparse.size.toString(16)}`);
    expect(summary.physicalMemory.pages).toBe(GIB * 2 ** 18);
    expect(heap()).toBeLessThan(LIMIT);
  });

  it('reads scattered pages of the file, physical and virtual memory within the heap limit', () => {
    const ram = GIB * 2 ** 30;
    for (const gpa of scattered(300, ram - 0x10000)) {
      const page = gpa - (gpa % 4096);
      const r = dump.readPhysical(`0x${page.toString(16)}`, 0x10000);
      expect(r.ok && r.bytes.length).toBe(0x10000);
    }
    for (const offset of scattered(100, sparse.size - (16 << 20), 11)) {
      const r = dump.readFile(offset, 16 << 20);  // the largest read the binding allows
      expect(r.ok && r.bytes.length).toBe(16 << 20);
    }
    for (const va of scattered(100, 2 ** 47, 13)) {
      // No page tables in this dump (its pages are zeros): every read fails, through the table walk.
      expect(dump.readVirtual(`0x${(0xffff_8000_0000_0000n + BigInt(va)).toString(16)}`, 4096).ok).toBe(false);
    }
    expect(dump.physicalRanges()).toEqual([{ base: '0x0', pages: GIB * 2 ** 18 }]);
    expect(dump.nextPhysicalPage(`0x${(GIB * 2 ** 18 - 1).toString(16)}`)).toEqual({ ok: true, pfn: `0x${(GIB * 2 ** 18 - 1).toString(16)}` });
    expect(heap()).toBeLessThan(LIMIT);
  }, 120_000);  // 1.6 GB of reads: minutes on a loaded machine

  it('searches 256 MiB of the file and of physical memory within the heap limit', async () => {
    const control = { cancelled: () => false, onProgress: () => {} };
    const pattern = new TextEncoder().encode('not in a sparse dump');
    const high = 40 * 2 ** 30;
    const file = await runSearch(walkFile(source, high, high + 256 * 2 ** 20), pattern, 10, control);
    expect(file).toMatchObject({ matches: [], scanned: 256 * 2 ** 20 });
    const scanned = await runSearch(scanFile(dump, high, high + 256 * 2 ** 20, pattern, 10), pattern, 10, control);
    expect(scanned).toMatchObject({ matches: [], scanned: 256 * 2 ** 20 });
    const physical = await runSearch(walkPhysical(dump, BigInt(high), BigInt(high + 256 * 2 ** 20), pattern, 10), pattern, 10, control);
    expect(physical).toMatchObject({ matches: [], scanned: 256 * 2 ** 20 });
    expect(heap()).toBeLessThan(LIMIT);
  }, 120_000);
});
