// The physical memory map as a picture: each present range as a block on a bar from address 0 to the top of
// memory. Pure arithmetic in bigint (addresses go past 2^53), percentages only at the end.
import type { Hex } from '../summary';

export const PAGE_SIZE = 0x1000n;

export interface MemoryBlock {
  base: bigint;
  /** Exclusive. */
  end: bigint;
  pages: number;
  /** Pages of the range the file really holds (a truncated file ends before the header's last pages). */
  held: number;
  /** Position on the bar, in percent of the top of memory. */
  left: number;
  width: number;
}

export interface MemoryMap {
  blocks: MemoryBlock[];
  /** The end of the highest range (0 for no memory). */
  top: bigint;
  pages: number;
  bytes: bigint;
  /** Pages the file holds, of `pages`. */
  heldPages: number;
}

/** Percent of `top` with four decimals, computed in bigint so a 64-bit address keeps its precision. */
function percent(value: bigint, top: bigint): number {
  return top === 0n ? 0 : Number((value * 1_000_000n) / top) / 10_000;
}

/**
 * Lays the ranges out on a 0..100% bar. A block narrower than `minWidth` percent is widened to it, so a single page
 * in 64 GiB still shows; gaps between ranges stay empty. `heldPages`: how many pages the file really holds (default
 * all); the file stores the pages in the order of `ranges`, so the first ranges keep theirs and the last lose them.
 */
export function layoutMemoryMap(ranges: readonly { base: Hex; pages: number }[], minWidth = 0.25, heldPages = Infinity): MemoryMap {
  let left = heldPages;
  const spans = ranges
    .map((r) => {
      const held = Math.max(0, Math.min(r.pages, left));
      left -= held;
      return { base: BigInt(r.base), pages: r.pages, held };
    })
    .map((r) => ({ ...r, end: r.base + BigInt(r.pages) * PAGE_SIZE }))
    .sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const top = spans.reduce((max, r) => (r.end > max ? r.end : max), 0n);
  const blocks = spans.map((r) => {
    const width = Math.max(percent(r.end, top) - percent(r.base, top), minWidth);
    const left = Math.min(percent(r.base, top), 100 - width);
    return { ...r, left, width };
  });
  const pages = spans.reduce((sum, r) => sum + r.pages, 0);
  return { blocks, top, pages, bytes: BigInt(pages) * PAGE_SIZE, heldPages: spans.reduce((sum, r) => sum + r.held, 0) };
}

/** The whole pages of page data the file holds: the "page-data" regions of kdmp::file_layout, which are clipped to
 *  the end of the file (a page cut in half is not held). Without any such region: none when the file is shorter than
 *  the header says (`cut`), else unknown (Infinity: all). */
export function heldPagesFromLayout(regions: readonly { kind: string; size: bigint }[], cut: boolean): number {
  const data = regions.filter((r) => r.kind === 'page-data');
  if (data.length === 0) return cut ? 0 : Infinity;
  return data.reduce((pages, r) => pages + Number(r.size / PAGE_SIZE), 0);
}
