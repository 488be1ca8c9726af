// Rows, scroll positions and the thumb of the hex view in bigint: a 64-bit space has 2^60 rows of 16 bytes, far past
// what a float (2^53) or a native scroll height can address exactly.

/** The number of rows a space of `size` bytes needs (the last one may be partial). */
export function rowCount(size: bigint, bytesPerRow: number): bigint {
  const width = BigInt(bytesPerRow);
  return (size + width - 1n) / width;
}

/** The highest first-visible row: the one that shows the last row at the bottom of the screen. */
export function maxTopRow(rows: bigint, visibleRows: number): bigint {
  const top = rows - BigInt(Math.max(1, visibleRows));
  return top > 0n ? top : 0n;
}

export function clampBig(value: bigint, low: bigint, high: bigint): bigint {
  return value < low ? low : value > high ? high : value;
}

/** The row holding `address`. */
export function rowOf(address: bigint, bytesPerRow: number): bigint {
  return address / BigInt(bytesPerRow);
}

/** The first visible row that keeps `row` on screen, moving `top` as little as possible. */
export function scrollToShow(top: bigint, row: bigint, visibleRows: number, maxTop: bigint): bigint {
  const visible = BigInt(Math.max(1, visibleRows));
  let next = top;
  if (row < top) next = row;
  else if (row >= top + visible) next = row - visible + 1n;
  return clampBig(next, 0n, maxTop);
}

/** The first visible row that puts `row` about a third of the way down the screen (show(): context above it). */
export function scrollToThird(row: bigint, visibleRows: number, maxTop: bigint): bigint {
  return clampBig(row - BigInt(Math.floor(Math.max(1, visibleRows) / 3)), 0n, maxTop);
}

// Fixed-point resolution of a thumb position: pixels are floats, rows are bigints.
const PIXEL_SCALE = 1024;

/** The first visible row for the thumb `offset` pixels down a track where it can move `travel` pixels. The thumb at
 *  the end of its travel is exactly the last top row, whatever the size of the space. */
export function rowAtThumb(offset: number, travel: number, maxTop: bigint): bigint {
  if (!(travel > 0) || maxTop === 0n) return 0n;
  const clamped = Math.min(Math.max(offset, 0), travel);
  const numerator = BigInt(Math.round(clamped * PIXEL_SCALE));
  const denominator = BigInt(Math.round(travel * PIXEL_SCALE));
  return clampBig((maxTop * numerator) / denominator, 0n, maxTop);
}

/** Where the thumb sits, in pixels down its travel, when `top` is the first visible row. */
export function thumbOffset(top: bigint, maxTop: bigint, travel: number): number {
  if (maxTop <= 0n || !(travel > 0)) return 0;
  // Scale the ratio into 2^32 steps before leaving bigint, so 2^60 rows still map smoothly.
  const steps = (clampBig(top, 0n, maxTop) << 32n) / maxTop;
  return (Number(steps) / 2 ** 32) * travel;
}

/** The thumb's length: the visible share of the rows, but never too small to grab. */
export function thumbLength(rows: bigint, visibleRows: number, track: number, minimum = 24): number {
  if (rows <= 0n || track <= 0) return track;
  const visible = BigInt(Math.max(1, visibleRows));
  if (visible >= rows) return track;
  const share = Number((visible << 32n) / rows) / 2 ** 32;
  return Math.min(track, Math.max(minimum, share * track));
}

/** Rows to scroll for a wheel event, fractional (the view adds them up, so a touchpad's small steps still move):
 *  pixels are divided by the row height, lines are rows, pages are screens. */
export function wheelRows(deltaY: number, deltaMode: number, rowHeight: number, visibleRows: number): number {
  if (deltaMode === 2) return deltaY * Math.max(1, visibleRows);
  if (deltaMode === 1) return deltaY;
  return deltaY / Math.max(1, rowHeight);
}
