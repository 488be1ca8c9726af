// The hex view: address, hex and ASCII columns over any address space, with its own bigint scrollbar. A fixed pool
// of row elements, sized to the viewport, is refilled on every scroll step (textContent and className only, and only
// where they changed); pages come from the page cache synchronously, and a page not cached yet shows dots until its
// read lands and triggers one more render. Nothing in a scroll or key handler awaits.
import { missingLabel, type AddressSpace } from './address-space';
import { moveCursor, moveForKey, placeCursor, selectionRange, type CursorState } from './cursor';
import { BYTE_CHAR, BYTE_HEX, formatRowAddress, hexAddress } from './hex-format';
import { PageCache, readCached, type MissingReason } from './page-cache';
import { clampBig, maxTopRow, rowCount, rowOf, scrollToShow, scrollToThird, wheelRows } from './row-math';
import { VirtualScrollbar } from './scrollbar';
import { describeStructure, type StructureMap } from './structure-map';

/** Pixels per row: hex-view.css sets the same height, so the pool size needs no layout read. */
export const ROW_HEIGHT = 20;
/** Rows before the first ResizeObserver report (the view may be built in a hidden tab). */
const DEFAULT_VISIBLE_ROWS = 24;
/** Why the jump is disabled in a hole that runs to the end of the space. */
const NO_NEXT_REGION = 'Nothing after this point is in the dump: there is no present region to jump to.';

/** Missing regions remembered per space (start and end, from nextPresent), so scrolling through a hole asks once. */
/** How many pages below the screen the notice of a hole looks through for where the hole starts. */
const HOLE_LOOKBACK = 16;
const KNOWN_HOLES = 64;

/** What the view shows of one address space: the workspace keeps one per space, so switching back restores the
 *  cursor, the selection and the scroll position. */
export interface SpaceView extends CursorState {
  space: AddressSpace;
  cache: PageCache;
  /** The first visible row, in rows of `topWidth` bytes (the width may change while another space is shown). */
  top: bigint;
  topWidth: number;
  /** The file's structures (file space only), for tints and names. */
  structures: StructureMap | null;
  /** Missing regions [start, end) found so far; end null when nothing follows. */
  holes: { start: bigint; end: bigint | null }[];
  /** Starts of holes whose end is being asked for. */
  holesPending: Set<bigint>;
}

export function createSpaceView(space: AddressSpace, cursor = 0n): SpaceView {
  const capacity = space.pageSize > 4096 ? 64 : 256;
  return {
    space,
    cache: new PageCache((index) => space.readPage(index), space.pageSize, capacity),
    cursor: clampBig(cursor, 0n, space.size > 0n ? space.size - 1n : 0n),
    anchor: null,
    top: 0n,
    topWidth: 16,
    structures: null,
    holes: [],
    holesPending: new Set(),
  };
}

export interface HexViewOptions {
  /** The cursor or the selection changed. */
  onCursor(): void;
  /** A line for the status bar ("Nothing present after 0x..."). */
  onMessage(text: string): void;
}

interface RowElements {
  row: HTMLElement;
  address: HTMLElement;
  cells: HTMLElement[];
  chars: HTMLElement[];
  notice: HTMLElement;
  noticeText: HTMLElement;
  noticeButton: HTMLButtonElement;
  /** What was last written, so a render touches the DOM only where something changed. */
  text: string[];
  cellClass: string[];
  charText: string[];
  charClass: string[];
  addressText: string;
  rowClass: string;
  noticeLine: string;
  /** The address of the row's first byte, or null past the end of the space. */
  base: bigint | null;
}

let nextViewId = 0;

export class HexView {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly header: HTMLElement;
  private headerAddress: HTMLElement | null = null;
  private readonly scrollbar: VirtualScrollbar;
  private readonly resizeObserver: ResizeObserver;
  private readonly id = `hex-view-${++nextViewId}`;
  private rows: RowElements[] = [];
  private view: SpaceView | null = null;
  private width: 16 | 32 = 16;
  private visibleRows = DEFAULT_VISIBLE_ROWS;
  private wheelRemainder = 0;
  private dragSelecting = false;
  private renderQueued = false;
  private destroyed = false;
  /** The first missing run on screen: where N and the notice's button jump from. */
  private firstVisibleHole: bigint | null = null;

  constructor(private readonly options: HexViewOptions) {
    this.element = document.createElement('div');
    this.element.className = 'hex-view';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Bytes');
    this.element.setAttribute('aria-readonly', 'true');
    this.element.id = this.id;

    this.header = document.createElement('div');
    this.header.className = 'hex-row hex-header-row';
    this.header.setAttribute('aria-hidden', 'true');
    this.grid = document.createElement('div');
    this.grid.className = 'hex-grid';
    const body = document.createElement('div');
    body.className = 'hex-body';
    body.append(this.header, this.grid);
    this.scrollbar = new VirtualScrollbar({
      controls: this.id,
      onScroll: (top) => this.scrollTo(top),
      onPage: (direction) => this.scrollBy(BigInt(direction * Math.max(1, this.visibleRows - 1))),
    });
    this.element.append(body, this.scrollbar.element);

    this.element.addEventListener('keydown', (event) => this.keyDown(event));
    this.element.addEventListener('wheel', (event) => this.wheel(event), { passive: false });
    this.grid.addEventListener('pointerdown', (event) => this.pointerDown(event));
    this.grid.addEventListener('pointerover', (event) => this.pointerOver(event));
    this.grid.addEventListener('mouseover', (event) => this.explain(event));
    this.grid.addEventListener('click', (event) => this.noticeClick(event));
    window.addEventListener('pointerup', this.pointerUp);

    // A hidden tab reports a height of 0: keep the last size until it is shown again.
    this.resizeObserver = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const height = entry.contentRect.height;
        if (height <= 0) continue;
        if (entry.target === this.grid) this.resize(height);
        else this.scrollbar.resize(height);
      }
    });
    this.resizeObserver.observe(this.grid);
    this.resizeObserver.observe(this.scrollbar.element);
    this.buildRows();
  }

  /** Shows `view` (another space, or the same one after a DTB change). */
  setSpaceView(view: SpaceView): void {
    this.view = view;
    if (view.topWidth !== this.width) {
      view.top = (view.top * BigInt(view.topWidth)) / BigInt(this.width);
      view.topWidth = this.width;
    }
    this.element.setAttribute('aria-label', `Bytes of the ${view.space.kind === 'file' ? 'dump file' : `${view.space.kind} memory`}`);
    this.labelHeader();
    this.clampTop();
    this.render();
  }

  get spaceView(): SpaceView | null {
    return this.view;
  }

  get bytesPerRow(): 16 | 32 {
    return this.width;
  }

  get rowsOnScreen(): number {
    return this.visibleRows;
  }

  /** 16 or 32 bytes per row; the cursor stays on the same screen line. */
  setBytesPerRow(width: 16 | 32): void {
    if (width === this.width) return;
    const view = this.view;
    const line = view ? rowOf(view.cursor, this.width) - view.top : 0n;
    this.width = width;
    this.buildRows();
    if (view) {
      view.top = rowOf(view.cursor, width) - line;
      view.topWidth = width;
      this.clampTop();
    }
    this.render();
  }

  /** Puts the cursor on `address` (extending the selection with `extend`) and scrolls to it: as little as possible
   *  ('nearest') or so that it sits a third of the way down ('third'). */
  moveCursorTo(address: bigint, options: { extend?: boolean; reveal?: 'nearest' | 'third' } = {}): void {
    const view = this.view;
    if (!view) return;
    Object.assign(view, placeCursor(view, this.clampAddress(address), options.extend ?? false));
    this.reveal(options.reveal ?? 'nearest');
    this.render();
    this.options.onCursor();
  }

  /** Selects `length` bytes from `address` (the cursor on the first, or on the last when `cursorAtEnd`), or only
   *  places the cursor for length 0. */
  select(address: bigint, length: number, reveal: 'nearest' | 'third' = 'third', cursorAtEnd = false): void {
    const view = this.view;
    if (!view) return;
    const first = this.clampAddress(address);
    const last = length > 0 ? this.clampAddress(address + BigInt(length) - 1n) : null;
    view.cursor = cursorAtEnd && last !== null ? last : first;
    view.anchor = last === null ? null : cursorAtEnd ? first : last;
    this.reveal(reveal);
    this.render();
    this.options.onCursor();
  }

  /** The selected bytes [start, end), or null. */
  selection(): { start: bigint; end: bigint } | null {
    return this.view ? selectionRange(this.view) : null;
  }

  /** Up to `length` bytes from the cursor out of the page cache; `complete` false while a page is still read (the
   *  view renders again, and calls onCursor, when it lands). */
  bytesAtCursor(length: number): { bytes: Uint8Array; complete: boolean; missing: MissingReason | null } {
    const view = this.view;
    if (!view) return { bytes: new Uint8Array(0), complete: true, missing: null };
    const room = view.space.size - view.cursor;
    const want = room < BigInt(length) ? Number(room) : length;
    return readCached(view.cache, view.cursor, Math.max(0, want));
  }

  /** The same once the pages holding them are read (null when the view changed space meanwhile). */
  async readAtCursor(length: number): Promise<{ bytes: Uint8Array; missing: MissingReason | null; address: bigint } | null> {
    const view = this.view;
    if (!view) return null;
    const cursor = view.cursor;
    const pageSize = BigInt(view.space.pageSize);
    const room = view.space.size - cursor;
    const want = Math.max(0, room < BigInt(length) ? Number(room) : length);
    const last = want > 0 ? (cursor + BigInt(want) - 1n) / pageSize : cursor / pageSize;
    for (let index = cursor / pageSize; index <= last; ++index) {
      const page = await view.cache.get(index);
      // Stop at a page that ends early: what follows cannot be read anyway.
      if (page.missing) break;
    }
    const read = readCached(view.cache, cursor, want);
    return { bytes: read.bytes, missing: read.missing, address: cursor };
  }

  /** Jumps to the next byte the dump holds: from the cursor when it is in a hole, else from the first hole on
   *  screen. */
  jumpToNextPresent(from?: bigint): void {
    const view = this.view;
    if (!view) return;
    let start = from ?? null;
    if (start === null) {
      const cursorPage = view.cache.peek(view.cursor / BigInt(view.space.pageSize));
      const inPage = Number(view.cursor % BigInt(view.space.pageSize));
      if (cursorPage && inPage >= cursorPage.bytes.length) start = view.cursor;
      else start = this.firstVisibleHole;
    }
    if (start === null) {
      this.options.onMessage('No memory missing here: N jumps over a region that is not in the dump to the next one that is.');
      return;
    }
    if (this.holeAt(view, start)?.end === null) {
      this.options.onMessage(`N does nothing here: ${NO_NEXT_REGION.charAt(0).toLowerCase()}${NO_NEXT_REGION.slice(1)}`);
      return;
    }
    const origin = start;
    this.options.onMessage(`Looking for the next present byte after ${hexAddress(origin)}…`);
    view.space.nextPresent(origin).then(
      (next) => {
        if (this.destroyed || this.view !== view) return;
        if (next === null) {
          this.options.onMessage(`Nothing present after ${hexAddress(origin)} in this space.`);
          return;
        }
        this.rememberHole(view, origin, next);
        this.moveCursorTo(next, { reveal: 'third' });
        this.options.onMessage(`Jumped to ${hexAddress(next)}, the next present byte after ${hexAddress(origin)}.`);
      },
      (error: unknown) => {
        if (!this.destroyed) this.options.onMessage(`Could not find the next present region: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  /** Scrolls so `top` is the first visible row. */
  scrollTo(top: bigint): void {
    if (!this.view) return;
    this.view.top = top;
    this.clampTop();
    this.render();
  }

  scrollBy(rows: bigint): void {
    if (this.view) this.scrollTo(this.view.top + rows);
  }

  focus(): void {
    this.element.focus({ preventScroll: true });
  }

  /** Renders on the next frame (several page reads landing together render once). */
  scheduleRender(): void {
    if (this.renderQueued || this.destroyed) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      if (!this.destroyed) this.render();
    });
  }

  destroy(): void {
    this.destroyed = true;
    this.resizeObserver.disconnect();
    window.removeEventListener('pointerup', this.pointerUp);
  }

  /** Fills the row pool from the page cache, synchronously; asks for the pages that are not cached. */
  render(): void {
    const view = this.view;
    if (!view) return;
    const { space, cache } = view;
    const width = this.width;
    const wide = BigInt(width);
    const rows = rowCount(space.size, width);
    this.clampTop();
    const selection = selectionRange(view);
    const pageSize = BigInt(space.pageSize);
    const wanted = new Set<bigint>();
    let aboveMissing = false;
    let cursorCellId: string | null = null;
    this.firstVisibleHole = null;

    for (let i = 0; i < this.rows.length; ++i) {
      const r = this.rows[i]!;
      const rowIndex = view.top + BigInt(i);
      if (rowIndex >= rows) {
        r.base = null;
        this.paintEmptyRow(r);
        aboveMissing = false;
        continue;
      }
      const base = rowIndex * wide;
      r.base = base;
      const inRow = base + wide > space.size ? Number(space.size - base) : width;
      const pageIndex = base / pageSize;
      const inPage = Number(base - pageIndex * pageSize);
      const page = cache.peek(pageIndex);
      if (!page) wanted.add(pageIndex);
      const present = page ? Math.max(0, Math.min(inRow, page.bytes.length - inPage)) : 0;
      const wholeRowMissing = page !== undefined && present === 0;

      let selFrom = -1;
      let selTo = -1;
      if (selection && selection.start < base + wide && selection.end > base) {
        selFrom = selection.start > base ? Number(selection.start - base) : 0;
        selTo = selection.end < base + wide ? Number(selection.end - base) : width;
      }
      const cursorColumn = view.cursor >= base && view.cursor < base + wide ? Number(view.cursor - base) : -1;
      const tints = view.structures ? this.rowTints(view.structures, base) : null;

      const addressText = formatRowAddress(base, space.addressDigits);
      if (r.addressText !== addressText) {
        r.addressText = addressText;
        r.address.textContent = addressText;
      }

      for (let j = 0; j < width; ++j) {
        let text: string;
        let char: string;
        let state: string;
        if (j >= inRow) {
          text = '';
          char = '';
          state = ' hex-none';
        } else if (!page) {
          text = '··';
          char = '·';
          state = ' hex-loading';
        } else if (j < present) {
          const byte = page.bytes[inPage + j]!;
          text = BYTE_HEX[byte]!;
          char = BYTE_CHAR[byte]!;
          state = '';
        } else {
          text = '??';
          char = '?';
          state = ' hex-missing';
        }
        let extra = state;
        if (tints && tints[j]) extra += ` ${tints[j]}`;
        if (j >= selFrom && j < selTo) extra += ' hex-sel';
        if (j === cursorColumn) extra += ' hex-cur';
        const cellClass = (j > 0 && j % 8 === 0 ? 'hex-b hex-b8' : 'hex-b') + extra;
        const charClass = 'hex-c' + extra;
        if (r.text[j] !== text) {
          r.text[j] = text;
          r.cells[j]!.textContent = text;
        }
        if (r.cellClass[j] !== cellClass) {
          r.cellClass[j] = cellClass;
          r.cells[j]!.className = cellClass;
        }
        if (r.charText[j] !== char) {
          r.charText[j] = char;
          r.chars[j]!.textContent = char;
        }
        if (r.charClass[j] !== charClass) {
          r.charClass[j] = charClass;
          r.chars[j]!.className = charClass;
        }
      }
      if (cursorColumn >= 0) cursorCellId = r.cells[cursorColumn]!.id;

      // The first row of a hole on screen carries one line: what is missing, from where to where, and the jump.
      let rowClass = 'hex-row';
      let noticeLine = '';
      if (wholeRowMissing && !aboveMissing && page) {
        rowClass += ' hex-row-notice';
        noticeLine = this.noticeLine(view, base, page.missing);
        this.firstVisibleHole ??= base;
      }
      if (r.rowClass !== rowClass) {
        r.rowClass = rowClass;
        r.row.className = rowClass;
      }
      if (r.noticeLine !== noticeLine) {
        r.noticeLine = noticeLine;
        r.noticeText.textContent = noticeLine;
      }
      // A hole known to run to the end of the space has no next present region: the jump is shown disabled, with why.
      const deadEnd = noticeLine !== '' && this.holeAt(view, base)?.end === null;
      if (r.noticeButton.disabled !== deadEnd) {
        r.noticeButton.disabled = deadEnd;
        r.noticeButton.title = deadEnd ? NO_NEXT_REGION : 'The next byte the dump holds (N)';
        r.noticeButton.dataset['reason'] = deadEnd ? NO_NEXT_REGION : '';
        r.noticeButton.textContent = deadEnd ? 'No present region after this' : 'Jump to next present region';
      }
      aboveMissing = wholeRowMissing;
    }

    if (cursorCellId) this.element.setAttribute('aria-activedescendant', cursorCellId);
    else this.element.removeAttribute('aria-activedescendant');
    this.scrollbar.update(view.top, rows, this.visibleRows);
    this.request(view, wanted);
  }

  private paintEmptyRow(r: RowElements): void {
    if (r.rowClass === 'hex-row hex-row-past') return;
    r.rowClass = 'hex-row hex-row-past';
    r.row.className = r.rowClass;
    r.addressText = '';
    r.address.textContent = '';
    r.noticeLine = '';
    r.noticeText.textContent = '';
    for (let j = 0; j < r.cells.length; ++j) {
      r.text[j] = '';
      r.cells[j]!.textContent = '';
      r.cellClass[j] = 'hex-b hex-none';
      r.cells[j]!.className = r.cellClass[j]!;
      r.charText[j] = '';
      r.chars[j]!.textContent = '';
      r.charClass[j] = 'hex-c hex-none';
      r.chars[j]!.className = r.charClass[j]!;
    }
  }

  /** "— not in the dump: 0x5000 to 0xffff —": from where the hole starts (which may be above the screen), to where
   *  it ends (from nextPresent, asked once per hole). */
  private noticeLine(view: SpaceView, start: bigint, reason: MissingReason | null): string {
    const label = reason ? missingLabel(reason) : 'not in the dump';
    const from = this.holeStart(view, start);
    const hole = this.holeAt(view, start);
    let end: string;
    if (hole) {
      end = hexAddress((hole.end ?? view.space.size) - 1n);
    } else {
      end = '…';
      this.findHoleEnd(view, start);
    }
    return `— ${label}: ${from === null ? `from before ${hexAddress(start)}` : hexAddress(from)} to ${end} —`;
  }

  /** Where the hole holding `address` starts: after the last byte of the nearest page below it that has any, looked
   *  for through the page cache (reading pages that are not cached yet, HOLE_LOOKBACK at most); null while unknown. */
  private holeStart(view: SpaceView, address: bigint): bigint | null {
    const pageSize = BigInt(view.space.pageSize);
    for (let index = address / pageSize, steps = 0; steps <= HOLE_LOOKBACK; --index, ++steps) {
      if (index < 0n) return 0n;
      const page = view.cache.peek(index);
      if (!page) {
        view.cache.get(index).then(() => {
          if (this.view === view) this.scheduleRender();
        }, () => {});
        return null;
      }
      if (page.bytes.length > 0) {
        const start = index * pageSize + BigInt(page.bytes.length);
        return start < address ? start : address;
      }
    }
    return null;
  }

  private holeAt(view: SpaceView, address: bigint): { start: bigint; end: bigint | null } | undefined {
    return view.holes.find((h) => address >= h.start && (h.end === null || address < h.end));
  }

  private findHoleEnd(view: SpaceView, start: bigint): void {
    if (view.holesPending.has(start)) return;
    view.holesPending.add(start);
    view.space.nextPresent(start).then(
      (next) => {
        view.holesPending.delete(start);
        this.rememberHole(view, start, next);
        if (this.view === view) this.scheduleRender();
      },
      () => {
        view.holesPending.delete(start);
        // Remember it as running to the end: the next present byte is unknown, and asking again on every frame
        // would not help.
        this.rememberHole(view, start, null);
        if (this.view === view) this.scheduleRender();
      },
    );
  }

  private rememberHole(view: SpaceView, start: bigint, end: bigint | null): void {
    if (end !== null && end <= start) return;
    view.holes.push({ start, end });
    if (view.holes.length > KNOWN_HOLES) view.holes.shift();
  }

  private rowTints(structures: StructureMap, base: bigint): string[] {
    const tints: string[] = new Array<string>(this.width).fill('');
    const end = base + BigInt(this.width);
    for (const segment of structures.within(base, end)) {
      if (!segment.structure.tint) continue;
      const from = segment.start > base ? Number(segment.start - base) : 0;
      const to = segment.end < end ? Number(segment.end - base) : this.width;
      tints.fill(segment.structure.tint, from, to);
    }
    return tints;
  }

  /** Reads the pages the screen needs, and the ones just above and below it, then renders again. */
  private request(view: SpaceView, wanted: Set<bigint>): void {
    const pageSize = BigInt(view.space.pageSize);
    const wide = BigInt(this.width);
    const above = (view.top * wide) / pageSize - 1n;
    const below = ((view.top + BigInt(this.rows.length)) * wide) / pageSize + 1n;
    const prefetch = [above, below].filter((p) => p >= 0n && p * pageSize < view.space.size && !view.cache.peek(p));
    for (const index of wanted) {
      view.cache.get(index).then(
        () => {
          if (this.view === view) this.scheduleRender();
        },
        (error: unknown) => this.options.onMessage(`Could not read ${hexAddress(index * pageSize)}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    for (const index of prefetch) view.cache.get(index).catch(() => {});
  }

  private buildRows(): void {
    for (const r of this.rows) r.row.remove();
    this.rows = [];
    this.buildHeader();
    this.resizePool();
  }

  private buildHeader(): void {
    const address = span('hex-addr');
    this.headerAddress = address;
    this.labelHeader();
    const hex = span('hex-hex');
    const ascii = span('hex-ascii');
    for (let j = 0; j < this.width; ++j) {
      hex.append(span(j > 0 && j % 8 === 0 ? 'hex-b hex-b8' : 'hex-b', BYTE_HEX[j]!.toUpperCase()));
      ascii.append(span('hex-c', (j % 16).toString(16).toUpperCase()));
    }
    this.header.replaceChildren(address, hex, ascii);
  }

  /** "Offset" over file offsets, "Address" over memory, as wide as the addresses below it. */
  private labelHeader(): void {
    if (!this.headerAddress) return;
    const space = this.view?.space;
    const width = space ? formatRowAddress(0n, space.addressDigits).length : 8;
    this.headerAddress.textContent = (space?.kind === 'file' ? 'Offset' : 'Address').padEnd(width);
  }

  private resizePool(): void {
    const wanted = Math.max(1, this.visibleRows);
    while (this.rows.length < wanted) this.rows.push(this.makeRow(this.rows.length));
    while (this.rows.length > wanted) this.rows.pop()!.row.remove();
  }

  private makeRow(index: number): RowElements {
    const row = document.createElement('div');
    row.className = 'hex-row';
    row.setAttribute('role', 'row');
    row.dataset['row'] = String(index);
    const address = span('hex-addr');
    address.setAttribute('role', 'rowheader');
    const hex = span('hex-hex');
    const ascii = span('hex-ascii');
    ascii.setAttribute('aria-hidden', 'true');
    const cells: HTMLElement[] = [];
    const chars: HTMLElement[] = [];
    for (let j = 0; j < this.width; ++j) {
      const cell = span('hex-b');
      cell.setAttribute('role', 'gridcell');
      cell.id = `${this.id}-${index}-${j}`;
      cell.dataset['col'] = String(j);
      cells.push(cell);
      const char = span('hex-c');
      char.dataset['col'] = String(j);
      chars.push(char);
    }
    hex.append(...cells);
    ascii.append(...chars);
    const noticeText = span('hex-notice-text');
    const noticeButton = document.createElement('button');
    noticeButton.type = 'button';
    noticeButton.className = 'hex-jump';
    noticeButton.textContent = 'Jump to next present region';
    noticeButton.title = 'The next byte the dump holds (N)';
    noticeButton.setAttribute('aria-keyshortcuts', 'N');
    const notice = span('hex-notice');
    notice.setAttribute('role', 'gridcell');
    notice.append(noticeText, noticeButton);
    row.append(address, hex, ascii, notice);
    this.grid.append(row);
    const blank = () => new Array<string>(this.width).fill('\u0000');
    return { row, address, cells, chars, notice, noticeText, noticeButton, text: blank(), cellClass: blank(), charText: blank(), charClass: blank(), addressText: '\u0000', rowClass: '', noticeLine: '\u0000', base: null };
  }

  private resize(height: number): void {
    const visible = Math.max(1, Math.floor(height / ROW_HEIGHT));
    if (visible === this.visibleRows && this.rows.length === visible) {
      this.render();
      return;
    }
    this.visibleRows = visible;
    this.resizePool();
    this.clampTop();
    this.render();
  }

  private clampAddress(address: bigint): bigint {
    const size = this.view?.space.size ?? 0n;
    return clampBig(address, 0n, size > 0n ? size - 1n : 0n);
  }

  private clampTop(): void {
    const view = this.view;
    if (!view) return;
    view.top = clampBig(view.top, 0n, maxTopRow(rowCount(view.space.size, this.width), this.visibleRows));
  }

  private reveal(mode: 'nearest' | 'third'): void {
    const view = this.view;
    if (!view) return;
    const maxTop = maxTopRow(rowCount(view.space.size, this.width), this.visibleRows);
    const row = rowOf(view.cursor, this.width);
    view.top = mode === 'third' ? scrollToThird(row, this.visibleRows, maxTop) : scrollToShow(view.top, row, this.visibleRows, maxTop);
  }

  private keyDown(event: KeyboardEvent): void {
    const view = this.view;
    if (!view || event.target !== this.element) return;
    const ctrl = event.ctrlKey || event.metaKey;
    const move = moveForKey(event.key, ctrl);
    if (move) {
      event.preventDefault();
      if (move === 'pageUp' || move === 'pageDown') {
        const screen = BigInt(Math.max(1, this.visibleRows));
        view.top += move === 'pageDown' ? screen : -screen;
        this.clampTop();
      }
      const target = moveCursor(move, view.cursor, { size: view.space.size, bytesPerRow: this.width, visibleRows: this.visibleRows });
      this.moveCursorTo(target, { extend: event.shiftKey });
      return;
    }
    if (event.key === 'Escape' && view.anchor !== null) {
      event.preventDefault();
      view.anchor = null;
      this.render();
      this.options.onCursor();
      return;
    }
    if ((event.key === 'n' || event.key === 'N') && !ctrl && !event.altKey) {
      event.preventDefault();
      this.jumpToNextPresent();
    }
  }

  private wheel(event: WheelEvent): void {
    const view = this.view;
    if (!view || event.deltaY === 0) return;
    // The wheel over the grid moves the grid only, also at either end: the page around it stays where it is.
    event.preventDefault();
    this.wheelRemainder += wheelRows(event.deltaY, event.deltaMode, ROW_HEIGHT, this.visibleRows);
    const step = Math.trunc(this.wheelRemainder);
    if (step === 0) return;
    this.wheelRemainder -= step;
    this.scrollBy(BigInt(step));
  }

  /** The address of a byte element (hex or ASCII column), or null for anything else. */
  private addressOf(target: EventTarget | null): bigint | null {
    if (!(target instanceof HTMLElement)) return null;
    const cell = target.closest<HTMLElement>('.hex-b, .hex-c');
    const row = cell?.closest<HTMLElement>('.hex-row');
    if (!cell || !row || row.dataset['row'] === undefined) return null;
    const base = this.rows[Number(row.dataset['row'])]?.base;
    if (base === null || base === undefined) return null;
    const address = base + BigInt(Number(cell.dataset['col']));
    return this.view && address < this.view.space.size ? address : null;
  }

  private pointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    const address = this.addressOf(event.target);
    if (address === null) return;
    // Keep the focus on the grid (not on the span) and stop the browser's own text selection.
    event.preventDefault();
    this.focus();
    this.dragSelecting = true;
    this.moveCursorTo(address, { extend: event.shiftKey });
  }

  private pointerOver(event: PointerEvent): void {
    if (!this.dragSelecting || !this.view) return;
    const address = this.addressOf(event.target);
    if (address !== null && address !== this.view.cursor) this.moveCursorTo(address, { extend: true });
  }

  private readonly pointerUp = (): void => {
    this.dragSelecting = false;
  };

  /** The tooltip of the byte under the mouse: its structure in the file, or why it is missing. Set on hover, so a
   *  render never writes titles. */
  private explain(event: MouseEvent): void {
    const view = this.view;
    const address = this.addressOf(event.target);
    if (!view || address === null || !(event.target instanceof HTMLElement)) return;
    const structure = view.structures?.at(address);
    let title = structure ? describeStructure(structure, address) : hexAddress(address);
    const pageSize = BigInt(view.space.pageSize);
    const page = view.cache.peek(address / pageSize);
    if (page && Number(address % pageSize) >= page.bytes.length && page.missing) title += `: ${page.missing.message}`;
    event.target.title = title;
  }

  private noticeClick(event: MouseEvent): void {
    if (!(event.target instanceof HTMLElement) || !event.target.classList.contains('hex-jump')) return;
    const row = event.target.closest<HTMLElement>('.hex-row');
    const base = row ? this.rows[Number(row.dataset['row'])]?.base : null;
    this.jumpToNextPresent(base ?? undefined);
  }
}

function span(className: string, text?: string): HTMLElement {
  const node = document.createElement('span');
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
