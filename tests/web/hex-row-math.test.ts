// The hex view's bigint scroll maths: every row of a 2^64 space is reachable, and the thumb maps to rows exactly at
// both ends.
import { describe, expect, it } from 'vitest';
import { maxTopRow, rowAtThumb, rowCount, rowOf, scrollToShow, scrollToThird, thumbLength, thumbOffset, wheelRows } from '../../web/src/hex/row-math';
import { moveCursor, moveForKey, placeCursor, selectionRange } from '../../web/src/hex/cursor';

const TWO_64 = 1n << 64n;

describe('rows of a 64-bit space', () => {
  it('counts 2^60 rows of 16 bytes and 2^59 of 32', () => {
    expect(rowCount(TWO_64, 16)).toBe(1n << 60n);
    expect(rowCount(TWO_64, 32)).toBe(1n << 59n);
    // A partial last row still counts.
    expect(rowCount(0x52001n, 16)).toBe(0x5201n);
    expect(rowCount(0n, 16)).toBe(0n);
  });

  it('reaches the last row: its address is 2^64 - 16 (or - 32)', () => {
    const rows = rowCount(TWO_64, 16);
    const top = maxTopRow(rows, 30);
    expect(top).toBe((1n << 60n) - 30n);
    // The last visible row is the last row of the space.
    expect((top + 29n) * 16n).toBe(TWO_64 - 16n);
    expect(rowOf(TWO_64 - 1n, 16)).toBe(rows - 1n);
    const rows32 = rowCount(TWO_64, 32);
    expect((maxTopRow(rows32, 30) + 29n) * 32n).toBe(TWO_64 - 32n);
  });

  it('has no negative top row when the space fits on the screen', () => {
    expect(maxTopRow(4n, 30)).toBe(0n);
    expect(maxTopRow(30n, 30)).toBe(0n);
    expect(maxTopRow(31n, 30)).toBe(1n);
  });
});

describe('the thumb', () => {
  const maxTop = maxTopRow(rowCount(TWO_64, 16), 40);

  it('maps its end positions to the first and the last top row exactly', () => {
    expect(rowAtThumb(0, 500, maxTop)).toBe(0n);
    expect(rowAtThumb(500, 500, maxTop)).toBe(maxTop);
    // Dragged past the end of the track: still the last row, not beyond.
    expect(rowAtThumb(9999, 500, maxTop)).toBe(maxTop);
    expect(rowAtThumb(-3, 500, maxTop)).toBe(0n);
    // 32-byte rows: the end of the track is the last row of 32 bytes.
    const maxTop32 = maxTopRow(rowCount(TWO_64, 32), 40);
    expect((rowAtThumb(500, 500, maxTop32) + 39n) * 32n).toBe(TWO_64 - 32n);
  });

  it('maps the middle of the track to the middle of the space', () => {
    const middle = rowAtThumb(250, 500, maxTop);
    expect(middle).toBe(maxTop / 2n);
    // A fraction of a pixel still moves (by 2^50 rows here).
    expect(rowAtThumb(250.5, 500, maxTop)).toBeGreaterThan(middle);
  });

  it('puts the thumb where the row is, and round-trips the ends', () => {
    expect(thumbOffset(0n, maxTop, 480)).toBe(0);
    expect(thumbOffset(maxTop, maxTop, 480)).toBe(480);
    expect(thumbOffset(maxTop / 2n, maxTop, 480)).toBeCloseTo(240, 6);
    expect(rowAtThumb(thumbOffset(maxTop, maxTop, 480), 480, maxTop)).toBe(maxTop);
    // Nothing to scroll: the thumb stays at the top.
    expect(thumbOffset(0n, 0n, 480)).toBe(0);
    expect(rowAtThumb(100, 480, 0n)).toBe(0n);
  });

  it('is as long as the visible share, but never shorter than the minimum', () => {
    expect(thumbLength(100n, 50, 400)).toBe(200);
    expect(thumbLength(1n << 60n, 40, 400)).toBe(24);
    expect(thumbLength(10n, 40, 400)).toBe(400);
  });
});

describe('scrolling to the cursor', () => {
  it('moves the top as little as possible to show a row', () => {
    expect(scrollToShow(100n, 105n, 20, 1000n)).toBe(100n);
    expect(scrollToShow(100n, 99n, 20, 1000n)).toBe(99n);
    expect(scrollToShow(100n, 120n, 20, 1000n)).toBe(101n);
    expect(scrollToShow(0n, (1n << 60n) - 1n, 20, (1n << 60n) - 20n)).toBe((1n << 60n) - 20n);
  });

  it('puts a shown location a third of the way down', () => {
    expect(scrollToThird(1000n, 30, 5000n)).toBe(990n);
    expect(scrollToThird(3n, 30, 5000n)).toBe(0n);
    expect(scrollToThird(4999n + 30n, 30, 5000n)).toBe(5000n);
  });

  it('turns wheel deltas into rows', () => {
    expect(wheelRows(100, 0, 20, 30)).toBe(5);
    expect(wheelRows(-3, 1, 20, 30)).toBe(-3);
    expect(wheelRows(1, 2, 20, 30)).toBe(30);
    expect(wheelRows(4, 0, 20, 30)).toBeCloseTo(0.2);
  });
});

describe('the cursor keys', () => {
  const geometry = { size: TWO_64, bytesPerRow: 16, visibleRows: 10 };

  it('maps keys to moves', () => {
    expect(moveForKey('End', true)).toBe('end');
    expect(moveForKey('End', false)).toBe('rowEnd');
    expect(moveForKey('Home', true)).toBe('start');
    expect(moveForKey('x', false)).toBeNull();
  });

  it('moves by byte, row, screen, and to the ends of a row and of the space', () => {
    expect(moveCursor('right', 0x1005n, geometry)).toBe(0x1006n);
    expect(moveCursor('left', 0n, geometry)).toBe(0n);
    expect(moveCursor('down', 0x1005n, geometry)).toBe(0x1015n);
    expect(moveCursor('up', 0x5n, geometry)).toBe(0x5n);
    expect(moveCursor('pageDown', 0x1005n, geometry)).toBe(0x10a5n);
    expect(moveCursor('pageUp', 0x1005n, geometry)).toBe(0xf65n);
    expect(moveCursor('pageUp', 0x25n, geometry)).toBe(0x5n);
    expect(moveCursor('rowStart', 0x1005n, geometry)).toBe(0x1000n);
    expect(moveCursor('rowEnd', 0x1005n, geometry)).toBe(0x100fn);
    expect(moveCursor('start', 0x1005n, geometry)).toBe(0n);
    expect(moveCursor('end', 0x1005n, geometry)).toBe(TWO_64 - 1n);
    expect(moveCursor('right', TWO_64 - 1n, geometry)).toBe(TWO_64 - 1n);
    expect(moveCursor('down', TWO_64 - 3n, geometry)).toBe(TWO_64 - 3n);
  });

  it('stops at the end of a space whose last row is partial', () => {
    const file = { size: 0x52005n, bytesPerRow: 16, visibleRows: 10 };
    expect(moveCursor('rowEnd', 0x52001n, file)).toBe(0x52004n);
    expect(moveCursor('pageDown', 0x51f6an, file)).toBe(0x52004n);
    expect(moveCursor('pageDown', 0x51f72n, file)).toBe(0x52002n);
    expect(moveCursor('end', 0n, file)).toBe(0x52004n);
  });

  it('selects from the anchor to the cursor, in either direction', () => {
    let state = placeCursor({ cursor: 0x10n, anchor: null }, 0x13n, true);
    expect(selectionRange(state)).toEqual({ start: 0x10n, end: 0x14n });
    state = placeCursor(state, 0x8n, true);
    expect(selectionRange(state)).toEqual({ start: 0x8n, end: 0x11n });
    expect(selectionRange(placeCursor(state, 0x8n, false))).toBeNull();
  });
});
