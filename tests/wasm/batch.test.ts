// The binding's batched reads (readVirtualBatch, readPhysicalBatch): typed arrays in, every read's bytes and status
// out, the same as the reads made one by one (readVirtual, readPhysical); bad arguments and batches over the bounds
// come back as invalid-argument values.
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResult, DumpHandle, ReadResult } from '@wasm/kdmpview';
import { PageTables, buildTriageDump } from './dump-builder';
import { openBytes } from './support';

const opened: DumpHandle[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.delete();
});

const kernel = 0xfffff80312340000n;
const large = 0xffffd00000000000n;

// 64 scattered 4 KiB pages, a hole after them, a 2 MiB page.
async function x64Dump(): Promise<DumpHandle> {
  const tables = new PageTables('x64');
  for (let i = 0; i < 64; ++i) tables.map(kernel + BigInt(i * 0x1000), 0x20000 + ((i * 29 + 3) % 64) * 0x1000);
  tables.map(large, 0x400000, 0x200000);
  return openBytes(tables.build(), opened);
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** Deterministic reads over [from, from + span): lengths from 0 to two pages, some near page ends. */
function randomReads(count: number, from: bigint, span: number, seed: number): { addresses: bigint[]; lengths: number[] } {
  const lengths = [0, 1, 8, 8, 8, 16, 0x30, 0x1000, 0x1ff8];
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const addresses: bigint[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < count; ++i) {
    let offset = next() % span;
    if (next() % 4 === 0) offset = (offset | 0xfff) - (next() % 16);
    addresses.push(from + BigInt(offset));
    sizes.push(lengths[next() % lengths.length]!);
  }
  return { addresses, lengths: sizes };
}

type One = (address: string, length: number) => ReadResult;

/** The reads one by one: the bytes (0 where a read stopped), how many each got, and why it stopped. */
function oneByOne(read: One, addresses: bigint[], lengths: number[]) {
  const total = lengths.reduce((a, b) => a + b, 0);
  const bytes = new Uint8Array(total);
  const done: number[] = [];
  const stops: (string | null)[] = [];
  let offset = 0;
  addresses.forEach((address, i) => {
    const length = lengths[i]!;
    const r = read(hex(address), length);
    const got = r.ok ? r.bytes.length : 0;
    if (r.ok) bytes.set(r.bytes, offset);
    done.push(got);
    if (got < length) {
      const again = read(hex(address + BigInt(got)), 1);
      stops.push(again.ok ? 'read-again-succeeded' : again.error.code);
    } else {
      stops.push(null);
    }
    offset += length;
  });
  return { bytes, done, stops };
}

/** The first index where two byte arrays differ (-1: none); toEqual on megabytes of bytes takes minutes. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; ++i) if (a[i] !== b[i]) return i;
  return -1;
}

function okBatch(result: BatchResult) {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return { bytes: result.bytes, done: Array.from(result.done), stops: Array.from(result.stops, (s) => (s === 0 ? null : result.codes[s]!)) };
}

describe('readVirtualBatch', () => {
  it('equals the same reads one by one, holes and page ends included', async () => {
    const dump = await x64Dump();
    const a = randomReads(3000, kernel, 0x48000, 1);
    const b = randomReads(1000, large - 0x800n, 0x201000, 2);
    const addresses = [...a.addresses, ...b.addresses];
    const lengths = [...a.lengths, ...b.lengths];
    const expected = oneByOne((at, n) => dump.readVirtual(at, n), addresses, lengths);
    expect(expected.stops).toContain('not-present');
    expect(expected.done.filter((d, i) => d === lengths[i]).length).toBeGreaterThan(2000);

    const batch = okBatch(dump.readVirtualBatch(BigUint64Array.from(addresses), Uint32Array.from(lengths)));
    expect(batch.done).toEqual(expected.done);
    expect(batch.stops).toEqual(expected.stops);
    expect(firstDifference(batch.bytes, expected.bytes)).toBe(-1);
  });

  it('returns the pattern of the pages each read lands in, and takes a dtb', async () => {
    const dump = await x64Dump();
    const addresses = BigUint64Array.from([kernel + 0xff8n, large + 0x123458n, kernel + 0x40000n]);
    const batch = okBatch(dump.readVirtualBatch(addresses, Uint32Array.from([16, 8, 8])));
    const view = new DataView(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
    // Page 0 is at gpa 0x23000, page 1 at 0x40000 (i * 29 + 3 mod 64).
    expect([view.getBigUint64(0, true), view.getBigUint64(8, true), view.getBigUint64(16, true)]).toEqual([0x23ff8n, 0x40000n, 0x523458n]);
    expect(batch.done).toEqual([16, 8, 0]);
    expect(batch.stops).toEqual([null, null, 'not-present']);
    const info = dump.virtualMemoryInfo();
    if (!info.ok || info.dtb === null) throw new Error('no dtb');
    expect(okBatch(dump.readVirtualBatch(addresses, Uint32Array.from([16, 8, 8]), info.dtb))).toEqual(batch);
    expect(okBatch(dump.readVirtualBatch(addresses, Uint32Array.from([16, 8, 8]), '0x9000000')).stops)
      .toEqual(['page-table-page-missing', 'page-table-page-missing', 'page-table-page-missing']);
  });

  it('reads a triage dump\'s saved regions', async () => {
    const blockVa = 0xfffff80312a00000n;
    const dump = await openBytes(buildTriageDump({ va: 0xffffd00012340000n, bytes: new Uint8Array(0x2000).fill(0x53) },
      [{ va: blockVa, bytes: new Uint8Array(0x100).fill(0x42) }]), opened);
    const batch = okBatch(dump.readVirtualBatch(BigUint64Array.from([blockVa + 0xf0n, blockVa + 0x100n, 0xffffd00012341ffcn]),
      Uint32Array.from([0x20, 4, 4])));
    expect(batch.done).toEqual([0x10, 0, 4]);
    expect(batch.stops).toEqual(['not-present', 'not-present', null]);
    expect(Array.from(batch.bytes)).toEqual([...new Array(0x10).fill(0x42), ...new Array(0x14).fill(0), 0x53, 0x53, 0x53, 0x53]);
  });

  it('refuses bad arguments and batches over the bounds, as values', async () => {
    const dump = await x64Dump();
    const one = BigUint64Array.from([kernel]);
    const bad = (r: BatchResult) => (r.ok ? 'ok' : `${r.error.code}: ${r.error.message}`);
    expect(bad(dump.readVirtualBatch([kernel] as unknown as BigUint64Array, Uint32Array.from([8]))))
      .toBe('invalid-argument: a batch is a BigUint64Array of addresses and a Uint32Array of lengths');
    expect(bad(dump.readVirtualBatch(one, Uint32Array.from([8, 8])))).toBe('invalid-argument: a batch has as many lengths as addresses: 1 addresses, 2 lengths');
    expect(bad(dump.readVirtualBatch(new BigUint64Array((1 << 18) + 1), new Uint32Array((1 << 18) + 1))))
      .toBe('invalid-argument: a batch holds at most 262144 reads, not 262145');
    expect(bad(dump.readVirtualBatch(BigUint64Array.from([kernel, kernel]), Uint32Array.from([1 << 24, 1]))))
      .toBe('invalid-argument: a batch reads at most 16777216 bytes, these reads ask for 16777217');
    expect(bad(dump.readVirtualBatch(one, Uint32Array.from([8]), 'nope'))).toMatch(/^invalid-argument: the dtb/);
    expect(bad(dump.readVirtualBatch(new BigUint64Array(0), new Uint32Array(0)))).toBe('ok');
  });
});

describe('readPhysicalBatch', () => {
  it('equals the same reads one by one, across stored and missing pages', async () => {
    const dump = await x64Dump();
    const { addresses, lengths } = randomReads(3000, 0x1e000n, 0x5e5000, 3);
    const expected = oneByOne((at, n) => dump.readPhysical(at, n), addresses, lengths);
    expect(expected.stops).toContain('page-not-in-dump');
    const batch = okBatch(dump.readPhysicalBatch(BigUint64Array.from(addresses), Uint32Array.from(lengths)));
    expect(batch.done).toEqual(expected.done);
    expect(batch.stops).toEqual(expected.stops);
    expect(firstDifference(batch.bytes, expected.bytes)).toBe(-1);
  });
});
