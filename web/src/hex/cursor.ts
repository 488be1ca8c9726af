// The cursor and the selection of the hex view, and where each navigation key takes the cursor. No DOM here.

export type Move = 'left' | 'right' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'rowStart' | 'rowEnd' | 'start' | 'end';

export interface Geometry {
  /** The size of the space: the cursor stays in [0, size). */
  size: bigint;
  bytesPerRow: number;
  visibleRows: number;
}

/** The key's move, or null for keys the cursor ignores. Ctrl (or Cmd) with Home/End reaches the ends of the space. */
export function moveForKey(key: string, ctrl: boolean): Move | null {
  switch (key) {
    case 'ArrowLeft': return 'left';
    case 'ArrowRight': return 'right';
    case 'ArrowUp': return 'up';
    case 'ArrowDown': return 'down';
    case 'PageUp': return 'pageUp';
    case 'PageDown': return 'pageDown';
    case 'Home': return ctrl ? 'start' : 'rowStart';
    case 'End': return ctrl ? 'end' : 'rowEnd';
    default: return null;
  }
}

function clampAddress(address: bigint, size: bigint): bigint {
  const last = size > 0n ? size - 1n : 0n;
  return address < 0n ? 0n : address > last ? last : address;
}

/** Where `move` takes a cursor at `cursor`. Up and down keep the column and stop at the first and last rows. */
export function moveCursor(move: Move, cursor: bigint, geometry: Geometry): bigint {
  const width = BigInt(geometry.bytesPerRow);
  const screen = width * BigInt(Math.max(1, geometry.visibleRows));
  const rowStart = cursor - (cursor % width);
  switch (move) {
    case 'left': return clampAddress(cursor - 1n, geometry.size);
    case 'right': return clampAddress(cursor + 1n, geometry.size);
    case 'up': return cursor >= width ? cursor - width : cursor;
    case 'down': return cursor + width < geometry.size ? cursor + width : cursor;
    case 'pageUp': return cursor >= screen ? cursor - screen : cursor % width;
    case 'pageDown': {
      if (cursor + screen < geometry.size) return cursor + screen;
      // The last row, same column if it has one.
      const lastRow = ((geometry.size - 1n) / width) * width;
      return clampAddress(lastRow + (cursor % width), geometry.size);
    }
    case 'rowStart': return rowStart;
    case 'rowEnd': return clampAddress(rowStart + width - 1n, geometry.size);
    case 'start': return 0n;
    case 'end': return clampAddress(geometry.size - 1n, geometry.size);
  }
}

/** The cursor, and the other end of the selection when there is one (shift+click, shift+arrows). */
export interface CursorState {
  cursor: bigint;
  anchor: bigint | null;
}

/** The selected bytes [start, end), or null when nothing is selected. */
export function selectionRange(state: CursorState): { start: bigint; end: bigint } | null {
  if (state.anchor === null) return null;
  const start = state.anchor < state.cursor ? state.anchor : state.cursor;
  const end = (state.anchor < state.cursor ? state.cursor : state.anchor) + 1n;
  return { start, end };
}

/** Moves the cursor to `address`: extending the selection from where it was (shift), or dropping it. */
export function placeCursor(state: CursorState, address: bigint, extend: boolean): CursorState {
  if (!extend) return { cursor: address, anchor: null };
  return { cursor: address, anchor: state.anchor ?? state.cursor };
}
