// The hex view's page cache: bounded, least recently used first out, one read per page in flight, short pages.
import { describe, expect, it } from 'vitest';
import { PageCache, SHORT_READ, readCached, type Page } from '../../web/src/hex/page-cache';

function counting(make: (index: bigint) => Page = (index) => ({ bytes: new Uint8Array(16).fill(Number(index & 0xffn)), missing: null })) {
  const reads: bigint[] = [];
  const load = async (index: bigint) => {
    reads.push(index);
    return make(index);
  };
  return { reads, load };
}

describe('PageCache', () => {
  it('keeps at most `capacity` pages, dropping the least recently used', async () => {
    const { reads, load } = counting();
    const cache = new PageCache(load, 16, 3);
    for (const i of [1n, 2n, 3n]) await cache.get(i);
    cache.peek(1n); // 1 is now the most recently used; 2 the least
    await cache.get(4n);
    expect(cache.size).toBe(3);
    expect(cache.peek(2n)).toBeUndefined();
    expect(cache.peek(1n)?.bytes[0]).toBe(1);
    expect(cache.peek(3n)?.bytes[0]).toBe(3);
    await cache.get(1n);
    expect(reads).toEqual([1n, 2n, 3n, 4n]);
  });

  it('reads a page once however many ask while it is in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reads: bigint[] = [];
    const cache = new PageCache(async (index) => {
      reads.push(index);
      await gate;
      return { bytes: new Uint8Array(16).fill(7), missing: null };
    }, 16);
    const a = cache.get(1n << 52n);
    const b = cache.get(1n << 52n);
    expect(cache.pending).toBe(1);
    expect(cache.peek(1n << 52n)).toBeUndefined();
    release();
    const [pa, pb] = await Promise.all([a, b]);
    expect(pa).toBe(pb);
    expect(reads).toEqual([1n << 52n]);
    expect(cache.pending).toBe(0);
    expect(cache.peek(1n << 52n)?.bytes[15]).toBe(7);
  });

  it('does not keep a read that failed: the next get() reads again', async () => {
    let fail = true;
    const cache = new PageCache(async () => {
      if (fail) throw new Error('worker gone');
      return { bytes: new Uint8Array(16), missing: null };
    }, 16);
    await expect(cache.get(5n)).rejects.toThrow('worker gone');
    fail = false;
    expect((await cache.get(5n)).bytes.length).toBe(16);
  });

  it('treats a page that comes back short as missing from where it stops', async () => {
    const cache = new PageCache(async () => ({ bytes: new Uint8Array([1, 2, 3]), missing: null }), 16);
    const page = await cache.get(0n);
    expect(page.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(page.missing).toEqual(SHORT_READ);
    const read = readCached(cache, 1n, 8);
    expect(read.bytes).toEqual(new Uint8Array([2, 3]));
    expect(read.complete).toBe(true);
    expect(read.missing?.code).toBe('short-read');
  });

  it('keeps the reason a page gives for its missing end', async () => {
    const reason = { code: 'file-ends-early', message: 'the file is truncated at 0x5000' };
    const cache = new PageCache(async () => ({ bytes: new Uint8Array(4), missing: reason }), 16);
    expect((await cache.get(0n)).missing).toBe(reason);
  });

  it('assembles bytes across cached pages, and says when one is not cached yet', async () => {
    const { load } = counting();
    const cache = new PageCache(load, 16);
    await cache.get(0n);
    await cache.get(1n);
    const across = readCached(cache, 14n, 4);
    expect([...across.bytes]).toEqual([0, 0, 1, 1]);
    expect(across.complete).toBe(true);
    const partial = readCached(cache, 30n, 4);
    expect([...partial.bytes]).toEqual([1, 1]);
    expect(partial.complete).toBe(false);
  });

  it('forgets everything on clear(), including reads still in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = new PageCache(async () => {
      await gate;
      return { bytes: new Uint8Array(16), missing: null };
    }, 16);
    await Promise.resolve();
    const inFlight = cache.get(9n);
    cache.clear();
    release();
    await inFlight;
    expect(cache.peek(9n)).toBeUndefined();
  });
});
