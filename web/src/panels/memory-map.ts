// The physical memory map as a picture: each present range as a block on a bar from address 0 to the top of
// memory. Pure arithmetic in bigint (addresses go past 2^53), percentages only at the end.
import type { Hex } from '../summary';

export const PAGE_SIZE = 0x1000n;

export interface MemoryBlock {
  base: bigint;
  /** Exclusive. */
  end: bigint;
  pages: number;
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
}

/** Percent of `top` with four decimals, computed in bigint so a 64-bit address keeps its precision. */
function percent(value: bigint, top: bigint): number {
  return top === 0n ? 0 : Number((value * 1_000_000n) / top) / 10_000;
}

/**
 * Lays the ranges out on a 0..100% bar. A block narrower than `minWidth` percent is widened to it, so a single page
 * in 64 GiB still shows; gaps between ranges stay empty.
 */
export function layoutMemoryMap(ranges: readonly { base: Hex; pages: number }[], minWidth = 0.25): MemoryMap {
  const spans = ranges
    .map((r) => ({ base: BigInt(r.base), pages: r.pages }))
    .map((r) => ({ ...r, end: r.base + BigInt(r.pages) * PAGE_SIZE }))
    .sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const top = spans.reduce((max, r) => (r.end > max ? r.end : max), 0n);
  const blocks = spans.map((r) => {
    const width = Math.max(percent(r.end, top) - percent(r.base, top), minWidth);
    const left = Math.min(percent(r.base, top), 100 - width);
    return { ...r, left, width };
  });
  const pages = spans.reduce((sum, r) => sum + r.pages, 0);
  return { blocks, top, pages, bytes: BigInt(pages) * PAGE_SIZE };
}
