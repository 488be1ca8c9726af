// The memory map picture's arithmetic: blocks placed by address on a 0..top bar, small ones still visible.
import { describe, expect, it } from 'vitest';
import { layoutMemoryMap } from '../../web/src/panels/memory-map';
import type { Summary } from '../../web/src/summary';
import { cliSummary, fixture } from '../wasm/support';

describe('layoutMemoryMap', () => {
  it('places the sample dump\'s two ranges where they lie, with the gap between them empty', () => {
    const { physicalMemory } = cliSummary(fixture('sample.dmp')) as unknown as Summary;
    expect(physicalMemory.ranges).toEqual([{ base: '0x100000', pages: 43 }, { base: '0x400000', pages: 60 }]);
    const map = layoutMemoryMap(physicalMemory.ranges);
    // The top of memory: 0x400000 + 60 pages = 0x43c000.
    expect(map.top).toBe(0x43c000n);
    expect(map.pages).toBe(103);
    expect(map.bytes).toBe(103n * 0x1000n);
    expect(map.blocks.map((b) => [b.base, b.end, b.pages])).toEqual([[0x100000n, 0x12b000n, 43], [0x400000n, 0x43c000n, 60]]);
    expect(map.blocks[0]!.left).toBeCloseTo((0x100000 / 0x43c000) * 100, 3);
    expect(map.blocks[0]!.width).toBeCloseTo((0x2b000 / 0x43c000) * 100, 3);
    expect(map.blocks[1]!.left + map.blocks[1]!.width).toBeCloseTo(100, 3);
    // The gap from 0x12b000 to 0x400000 stays visible.
    expect(map.blocks[1]!.left - (map.blocks[0]!.left + map.blocks[0]!.width)).toBeGreaterThan(60);
  });

  it('widens a tiny range to the minimum width and keeps it on the bar', () => {
    const map = layoutMemoryMap([{ base: '0x0', pages: 1 }, { base: '0xfffff000', pages: 1 }], 0.5);
    expect(map.top).toBe(0x100000000n);
    expect(map.blocks[0]).toMatchObject({ left: 0, width: 0.5 });
    expect(map.blocks[1]!.width).toBe(0.5);
    expect(map.blocks[1]!.left).toBe(99.5);
  });

  it('keeps precision for addresses past 2^53 and sorts by base', () => {
    const map = layoutMemoryMap([{ base: '0x40000000000000', pages: 16 }, { base: '0x20000000000000', pages: 16 }]);
    expect(map.blocks.map((b) => b.base)).toEqual([0x20000000000000n, 0x40000000000000n]);
    expect(map.top).toBe(0x40000000010000n);
    expect(map.blocks[0]!.left).toBeCloseTo(50, 3);
  });

  it('handles a dump without physical memory (a minidump)', () => {
    expect(layoutMemoryMap([])).toEqual({ blocks: [], top: 0n, pages: 0, bytes: 0n, heldPages: 0 });
  });
});
