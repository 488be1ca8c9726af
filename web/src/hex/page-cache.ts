// The pages the hex view has read, so a scroll step renders from memory: least recently used pages go first, and a
// page asked for twice while its read is in flight is read once.

/** Why bytes cannot be shown: the core's error code ("page-not-in-dump", "not-present", ...) and its message. */
export interface MissingReason {
  code: string;
  message: string;
}

/** One page of an address space as read. */
export interface Page {
  /** The bytes the dump holds from the start of the page; shorter than the page when the rest is missing. */
  bytes: Uint8Array;
  /** Why the bytes from `bytes.length` to the end of the page cannot be read; null when the page is whole. */
  missing: MissingReason | null;
}

/** A page that came back short without saying why: the rest is missing all the same. */
export const SHORT_READ: MissingReason = { code: 'short-read', message: 'the read stopped early: the rest of the page is not in the dump' };

export function normalizePage(page: Page, pageSize: number): Page {
  if (page.bytes.length > pageSize) return { bytes: page.bytes.subarray(0, pageSize), missing: page.missing };
  if (page.bytes.length < pageSize && page.missing === null) return { bytes: page.bytes, missing: SHORT_READ };
  return page;
}

export class PageCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used page first.
  private readonly pages = new Map<bigint, Page>();
  private readonly inFlight = new Map<bigint, Promise<Page>>();
  private generation = 0;

  constructor(
    private readonly load: (index: bigint) => Promise<Page>,
    readonly pageSize: number,
    readonly capacity = 256,
  ) {}

  /** The page if it is cached (and marks it as just used), without reading. */
  peek(index: bigint): Page | undefined {
    const page = this.pages.get(index);
    if (page) {
      this.pages.delete(index);
      this.pages.set(index, page);
    }
    return page;
  }

  /** The page, read once however many callers ask while the read is in flight. A read that throws is not cached:
   *  its promise rejects, and the next get() tries again. */
  get(index: bigint): Promise<Page> {
    const cached = this.peek(index);
    if (cached) return Promise.resolve(cached);
    const pending = this.inFlight.get(index);
    if (pending) return pending;
    const generation = this.generation;
    const read = this.load(index).then(
      (page) => {
        const normal = normalizePage(page, this.pageSize);
        if (generation === this.generation) {
          this.inFlight.delete(index);
          this.store(index, normal);
        }
        return normal;
      },
      (error: unknown) => {
        if (generation === this.generation) this.inFlight.delete(index);
        throw error;
      },
    );
    this.inFlight.set(index, read);
    return read;
  }

  /** Reads in flight. */
  get pending(): number {
    return this.inFlight.size;
  }

  get size(): number {
    return this.pages.size;
  }

  /** Forgets every page (reads in flight finish but are not stored). */
  clear(): void {
    this.pages.clear();
    this.inFlight.clear();
    ++this.generation;
  }

  private store(index: bigint, page: Page): void {
    this.pages.delete(index);
    this.pages.set(index, page);
    while (this.pages.size > this.capacity) {
      const oldest = this.pages.keys().next();
      if (oldest.done) break;
      this.pages.delete(oldest.value);
    }
  }
}

/** The bytes of [address, address + length) from cached pages: `bytes` up to the first byte that is missing or not
 *  cached yet; `complete` false when a page was not cached (the caller reads it and asks again). */
export function readCached(cache: PageCache, address: bigint, length: number): { bytes: Uint8Array; complete: boolean; missing: MissingReason | null } {
  const out = new Uint8Array(length);
  const size = BigInt(cache.pageSize);
  let done = 0;
  while (done < length) {
    const at = address + BigInt(done);
    const page = cache.peek(at / size);
    if (!page) return { bytes: out.subarray(0, done), complete: false, missing: null };
    const offset = Number(at % size);
    const available = page.bytes.length - offset;
    if (available <= 0) return { bytes: out.subarray(0, done), complete: true, missing: page.missing ?? SHORT_READ };
    const take = Math.min(available, length - done);
    out.set(page.bytes.subarray(offset, offset + take), done);
    done += take;
  }
  return { bytes: out, complete: true, missing: null };
}
