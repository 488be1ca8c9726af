// The hex view tab: the toolbar, the view over one of three address spaces (each keeps its own cursor), the status
// line under it, and the data inspector and the search at its side. The viewer creates one per open dump, shows it
// at a location (show) and keeps state() in the URL fragment (onLocationChange).
import { el } from '../views/dom';
import { capMiddle, visibleText } from '../views/safe-text';
import { MAX_SYMBOL } from '../viewer/symbol-names';
import { copyText } from '../viewer/clipboard';
import { ModuleMap } from '../viewer/module-map';
import type { AddressSpaceKind, HexLocation, ViewerContext } from '../viewer/context';
import { FileSpace, openAddressSpace, type AddressSpace } from './address-space';
import { COPY_FORMAT_NAMES, formatCopy, type CopyFormat } from './copy-format';
import { parseGoto, symbolTerms, type GotoResult } from './goto';
import { hexAddress, exactSize } from './hex-format';
import { HexToolbar } from './hex-toolbar';
import { createSpaceView, HexView, type SpaceView } from './hex-view';
import { DataInspector, INSPECTOR_BYTES } from './inspector';
import { SearchPanel, type SearchScope } from './search-panel';
import { StructureMap } from './structure-map';
import { BookmarkPanel, type Bookmark } from './bookmarks';
import { DisassemblyPane } from './disasm-pane';
import { codeArchOf } from '../disasm/disassembler';

export interface HexState extends HexLocation {
  bytesPerRow: 16 | 32;
}

/** Copies stop here: a bigger selection is refused with a message rather than freezing the page. */
export const COPY_LIMIT = 16 * 1024 * 1024;
/** onLocationChange waits for the cursor to rest this long (holding an arrow key writes the URL once). */
const LOCATION_DEBOUNCE_MS = 150;

const SPACE_NAMES: Record<AddressSpaceKind, string> = { file: 'the file', physical: 'physical memory', virtual: 'virtual memory' };

/** A "0x..." or bare hex DTB, as typed (backticks and spaces allowed); null when it is not one. */
export function parseDtb(text: string): bigint | null {
  const digits = text.trim().replace(/`/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(digits)) return null;
  return BigInt(`0x${digits}`);
}

export class HexWorkspace {
  readonly element: HTMLElement;
  private readonly toolbar: HexToolbar;
  private readonly view: HexView;
  private readonly inspector: DataInspector;
  private readonly search: SearchPanel;
  private readonly bookmarks: BookmarkPanel;
  private readonly disassembly: DisassemblyPane;
  private readonly status: Record<'cursor' | 'symbol' | 'selection' | 'describe', HTMLElement>;
  /** One view per space (virtual: for the DTB in use), so each keeps its cursor and scroll position. */
  private readonly views = new Map<AddressSpaceKind, SpaceView>();
  private readonly opening = new Map<string, Promise<SpaceView | null>>();
  private readonly unavailable = new Map<AddressSpaceKind, string>();
  private kind: AddressSpaceKind = 'file';
  private structures: StructureMap;
  /** show() calls not applied yet (their space still opening): state() reports the latest. */
  private pending: (HexLocation & { bytesPerRow?: 16 | 32 }) | null = null;
  private showToken = 0;
  private lastScope: SearchScope | null = null;
  private locationTimer: ReturnType<typeof setTimeout> | undefined;
  private describeRunning = false;
  private describeAgain = false;
  private inspectRunning = false;
  private inspectAgain = false;
  private destroyed = false;
  private readonly emptyModules = new ModuleMap([]);

  constructor(private readonly context: ViewerContext, private readonly options: {
    onLocationChange(state: HexState): void;
    /** The bookmarks changed (added or removed by the user). */
    onBookmarks?(bookmarks: readonly Bookmark[]): void;
    bookmarks?: readonly Bookmark[];
  }) {
    const { dump, summary } = context;
    this.structures = new StructureMap(dump.headerFields, []);
    dump.fileLayout().then(
      (regions) => {
        if (this.destroyed) return;
        this.structures = new StructureMap(dump.headerFields, regions);
        const file = this.views.get('file');
        if (file) file.structures = this.structures;
        this.view.render();
        this.refreshStatus();
      },
      // Until the core knows the file's layout, the header fields alone are named.
      () => {},
    );

    this.toolbar = new HexToolbar({
      onSpace: (kind) => this.switchSpace(kind),
      onDtb: (text) => this.changeDtb(text),
      onGoto: (text) => void this.goto(text),
      onWidth: (width) => this.setWidth(width),
      onCopy: (format) => void this.copy(format),
      onDisassembly: () => this.setDisassembly(!this.disassembly.enabled),
    });
    this.view = new HexView({
      onCursor: () => this.cursorMoved(),
      onMessage: (text) => context.setStatus(text),
    });

    const field = (name: string, className = '') => el('span', { className: `hex-status-item ${className}`.trim(), data: { field: name } });
    this.status = {
      cursor: field('hexCursor', 'mono'),
      symbol: field('hexSymbol', 'mono'),
      selection: field('hexSelection'),
      describe: field('hexDescribe'),
    };
    const statusLine = el('div', { className: 'hex-status' }, [this.status.cursor, this.status.symbol, this.status.selection, this.status.describe]);
    statusLine.setAttribute('aria-live', 'polite');
    statusLine.setAttribute('aria-label', 'Cursor');

    const is64 = summary.header.is64;
    this.inspector = new DataInspector({
      pointerSize: is64 ? 8 : 4,
      // A function's name when the worker has answered; module+offset until then (the row is redrawn when it does).
      symbolize: (address) => this.nameOf(address, () => this.inspector.refresh()),
      // A pointer is a virtual address, wherever it was read; the virtual view keeps the DTB it walks.
      onFollow: (address) => this.show({ space: 'virtual', address }),
    });
    this.search = new SearchPanel({
      dump,
      scope: () => {
        const current = this.views.get(this.kind);
        const dtb = this.kind === 'virtual' ? this.virtualDtb() : undefined;
        this.lastScope = { space: this.kind, from: current?.cursor ?? 0n, ...(dtb !== undefined ? { dtb } : {}) };
        return this.lastScope;
      },
      onMatch: (address, length) => this.showMatch(address, length),
      symbolize: (address) => context.modules.symbolize(address),
    });

    const main = el('div', { className: 'hex-main' }, [this.view.element, statusLine]);
    this.bookmarks = new BookmarkPanel({
      current: () => this.state(),
      onGo: (b) => this.show({ space: b.space, address: b.address, ...(b.length ? { length: b.length } : {}), ...(b.dtb !== undefined ? { dtb: b.dtb } : {}) }),
      onChange: (bookmarks) => options.onBookmarks?.(bookmarks),
    });
    if (options.bookmarks) this.bookmarks.set(options.bookmarks);
    this.disassembly = new DisassemblyPane({ dump, arch: codeArchOf(summary.header.machineImageType), modules: context.modules });
    const side = el('aside', { className: 'hex-side' }, [this.disassembly.element, this.inspector.element, this.search.element, this.bookmarks.element]);
    side.setAttribute('aria-label', 'Inspector and search');
    this.element = el('section', { className: 'hex-workspace' }, [this.toolbar.element, el('div', { className: 'hex-columns' }, [main, side])]);
    this.element.setAttribute('aria-label', `Hex view of ${context.name}`);
    this.element.addEventListener('keydown', (event) => this.shortcut(event));

    this.toolbar.setWidth(16);
    this.checkAvailability();
    // The file space needs no answer from the dump: it exists at once, and the first screen is the header.
    const file = createSpaceView(new FileSpace(dump, () => this.structures));
    file.structures = this.structures;
    this.views.set('file', file);
    this.activate(file);
  }

  /** Moves to `location` (switching address space when needed) and selects `length` bytes there. */
  show(location: HexLocation & { bytesPerRow?: 16 | 32 }): void {
    if (this.destroyed) return;
    const token = ++this.showToken;
    if (location.bytesPerRow) this.setWidth(location.bytesPerRow, false);
    if (location.disassembly) this.setDisassembly(true);
    const apply = (view: SpaceView | null) => {
      if (token !== this.showToken || this.destroyed) return;
      this.pending = null;
      if (!view) return;
      this.activate(view);
      const length = location.length ?? 0;
      const cursorAtEnd = length > 1 && location.cursor === location.address + BigInt(length) - 1n;
      this.view.select(location.address, length, 'third', cursorAtEnd);
    };
    const ready = this.readyView(location.space, location.dtb);
    if (ready) {
      apply(ready);
      return;
    }
    this.pending = location;
    void this.openView(location.space, location.dtb).then(apply);
  }

  /** Where the cursor is now (the start and length of the selection when there is one, and the cursor when it is
   *  not on the selection's first byte). */
  state(): HexState {
    const bytesPerRow = this.view.bytesPerRow;
    if (this.pending) {
      const { space, address, dtb, length, cursor } = this.pending;
      return { space, address, bytesPerRow, ...(dtb !== undefined ? { dtb } : {}), ...(length ? { length } : {}), ...(cursor !== undefined ? { cursor } : {}) };
    }
    const current = this.views.get(this.kind);
    const selection = this.view.selection();
    const address = selection ? selection.start : current?.cursor ?? 0n;
    const state: HexState = { space: this.kind, address, bytesPerRow };
    const dtb = this.kind === 'virtual' ? this.virtualDtb() : undefined;
    if (dtb !== undefined) state.dtb = dtb;
    if (selection) state.length = Number(selection.end - selection.start);
    if (selection && current && current.cursor !== selection.start) state.cursor = current.cursor;
    return state;
  }

  /** Ends reads in flight and searches. */
  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.locationTimer);
    this.search.cancel();
    this.disassembly.destroy();
    this.view.destroy();
  }

  private setDisassembly(on: boolean): void {
    this.toolbar.setDisassembly(on);
    this.element.classList.toggle('hex-workspace-disasm', on);
    this.disassembly.setEnabled(on);
  }

  private virtualDtb(): bigint | undefined {
    return this.views.get('virtual')?.space.dtb;
  }

  /** Greys out the spaces this dump does not have (no physical memory in a triage dump, say). */
  private checkAvailability(): void {
    const { dump } = this.context;
    dump.physicalRanges().then(
      (ranges) => {
        if (ranges.length === 0) this.markUnavailable('physical', 'This dump holds no physical memory');
      },
      (error: unknown) => this.markUnavailable('physical', `No physical memory: ${messageOf(error)}`),
    );
    dump.virtualMemory().catch((error: unknown) => this.markUnavailable('virtual', `No virtual memory: ${messageOf(error)}`));
  }

  private markUnavailable(kind: AddressSpaceKind, reason: string): void {
    if (this.destroyed) return;
    this.unavailable.set(kind, reason);
    this.toolbar.setAvailable(kind, reason);
  }

  /** The view of `kind` when it is open (and, for virtual memory, walks `dtb`), else null. */
  private readyView(kind: AddressSpaceKind, dtb?: bigint): SpaceView | null {
    const view = this.views.get(kind);
    if (!view) return null;
    if (kind === 'virtual' && dtb !== undefined && view.space.dtb !== dtb) return null;
    return view;
  }

  /** Opens the view of `kind` (for virtual memory through `dtb`, keeping the cursor of the previous DTB). */
  private openView(kind: AddressSpaceKind, dtb?: bigint): Promise<SpaceView | null> {
    const ready = this.readyView(kind, dtb);
    if (ready) return Promise.resolve(ready);
    const key = `${kind}:${dtb ?? ''}`;
    let opening = this.opening.get(key);
    if (opening) return opening;
    this.context.setStatus(`Opening ${SPACE_NAMES[kind]}…`);
    opening = openAddressSpace(this.context.dump, kind, { ...(dtb !== undefined ? { dtb } : {}), structures: () => this.structures }).then(
      (space) => {
        this.opening.delete(key);
        if (this.destroyed) return null;
        if (space.size === 0n) {
          this.markUnavailable(kind, `This dump holds no ${SPACE_NAMES[kind]}`);
          this.context.setStatus(`This dump holds no ${SPACE_NAMES[kind]}.`);
          return null;
        }
        const previous = this.views.get(kind);
        const view = createSpaceView(space, previous?.cursor ?? this.defaultCursor(kind, space));
        if (previous) {
          view.anchor = previous.anchor;
          view.top = previous.top;
        } else {
          view.top = view.cursor / BigInt(this.view.bytesPerRow) - BigInt(Math.floor(this.view.rowsOnScreen / 3));
          if (view.top < 0n) view.top = 0n;
        }
        view.topWidth = previous?.topWidth ?? this.view.bytesPerRow;
        this.views.set(kind, view);
        this.context.setStatus('');
        return view;
      },
      (error: unknown) => {
        this.opening.delete(key);
        if (!this.destroyed) this.context.setStatus(`Could not open ${SPACE_NAMES[kind]}: ${messageOf(error)}`);
        return null;
      },
    );
    this.opening.set(key, opening);
    return opening;
  }

  /** Where a space's cursor starts: the crash address in virtual memory, the first present page in physical. */
  private defaultCursor(kind: AddressSpaceKind, space: AddressSpace): bigint {
    const { summary } = this.context;
    if (kind === 'virtual') {
      const registers = summary.context ?? {};
      const pointer = summary.culprit?.address ?? registers['rip'] ?? registers['pc'] ?? registers['eip'];
      const address = pointer ? BigInt(pointer) : 0n;
      return address < space.size ? address : 0n;
    }
    if (kind === 'physical') {
      const first = summary.physicalMemory?.ranges[0];
      return first ? BigInt(first.base) : 0n;
    }
    return 0n;
  }

  private activate(view: SpaceView): void {
    this.kind = view.space.kind;
    this.toolbar.setSpace(this.kind, view.space.dtb);
    this.toolbar.setDtbError(null);
    this.view.setSpaceView(view);
    this.cursorMoved();
  }

  private switchSpace(kind: AddressSpaceKind): void {
    if (this.unavailable.has(kind)) {
      this.context.setStatus(this.unavailable.get(kind)!);
      return;
    }
    const token = ++this.showToken;
    void this.openView(kind, kind === 'virtual' ? this.virtualDtb() : undefined).then((view) => {
      if (view && token === this.showToken && !this.destroyed) this.activate(view);
    });
  }

  private changeDtb(text: string): void {
    const dtb = parseDtb(text);
    if (dtb === null) {
      this.toolbar.setDtbError('a DTB is a hex number, e.g. 0x1ad000');
      return;
    }
    this.toolbar.setDtbError(null);
    if (dtb === this.virtualDtb() && this.kind === 'virtual') return;
    const token = ++this.showToken;
    void this.openView('virtual', dtb).then((view) => {
      if (view && token === this.showToken && !this.destroyed) {
        this.activate(view);
        this.context.setStatus(`Translating through the page tables at ${hexAddress(dtb)}.`);
      }
    });
  }

  private setWidth(width: 16 | 32, announce = true): void {
    this.toolbar.setWidth(width);
    this.element.classList.toggle('hex-workspace-wide', width === 32);
    if (width === this.view.bytesPerRow) return;
    this.view.setBytesPerRow(width);
    if (announce) this.locationChanged();
  }

  private async goto(text: string): Promise<void> {
    const current = this.views.get(this.kind);
    if (!current) return;
    // "module!function" terms are the dump's symbols' to resolve (in the worker) before the text is parsed.
    const symbols = new Map<string, bigint | null>();
    for (const term of symbolTerms(text)) {
      symbols.set(term, await this.context.dump.resolveSymbol(term).catch(() => null));
    }
    if (this.destroyed || this.views.get(this.kind) !== current) return;
    const registers = this.context.summary.context;
    const base = { modules: this.context.modules, registers, cursor: current.cursor, symbols };
    const result = parseGoto(text, { ...base, limit: current.space.size });
    if (result.ok) {
      this.toolbar.setGotoError(null);
      this.view.moveCursorTo(result.address, { reveal: 'third' });
      this.view.focus();
      return;
    }
    // A module, a function or a register names a virtual address: outside virtual memory, go there rather than fail.
    if (this.kind !== 'virtual' && !this.unavailable.has('virtual') && this.namesSymbol(text, current.cursor)) {
      const virtual = parseGoto(text, { ...base, limit: 1n << 64n });
      if (virtual.ok) {
        this.toolbar.setGotoError(null);
        this.show({ space: 'virtual', address: virtual.address });
        this.view.focus();
        return;
      }
    }
    this.toolbar.setGotoError(result.message);
  }

  /** Whether `text` only parses with the dump's modules and registers (so it names a virtual address). */
  private namesSymbol(text: string, cursor: bigint): boolean {
    const bare: GotoResult = parseGoto(text, { modules: this.emptyModules, registers: null, cursor, limit: 1n << 64n });
    return !bare.ok;
  }

  private showMatch(address: bigint, length: number): void {
    const scope = this.lastScope;
    if (scope && (scope.space !== this.kind || (scope.space === 'virtual' && scope.dtb !== this.virtualDtb()))) {
      this.show({ space: scope.space, address, length, ...(scope.dtb !== undefined ? { dtb: scope.dtb } : {}) });
      return;
    }
    this.view.select(address, length, 'third');
  }

  private async copy(format: CopyFormat | 'address'): Promise<void> {
    const current = this.views.get(this.kind);
    if (!current) return;
    if (format === 'address') {
      const text = hexAddress(current.cursor);
      const ok = await copyText(text, this.element);
      this.context.setStatus(ok ? `Copied the address ${text}.` : 'The browser refused to copy.');
      return;
    }
    const selection = this.view.selection() ?? { start: current.cursor, end: current.cursor + 1n };
    const length = selection.end - selection.start;
    if (length > BigInt(COPY_LIMIT)) {
      this.context.setStatus(`The selection is ${exactSizeOf(length)}; copies stop at 16 MiB. Select less.`);
      return;
    }
    this.context.setStatus(`Reading ${exactSizeOf(length)} to copy…`);
    const read = await current.space.readRange(selection.start, Number(length));
    if (this.destroyed) return;
    if (read.missing) {
      const at = selection.start + BigInt(read.bytes.length);
      this.context.setStatus(`Nothing copied: ${hexAddress(at)} in the selection cannot be read (${read.missing.message}).`);
      return;
    }
    const ok = await copyText(formatCopy(read.bytes, format, selection.start), this.element);
    const count = `${read.bytes.length} byte${read.bytes.length === 1 ? '' : 's'}`;
    this.context.setStatus(ok ? `Copied ${count} as ${COPY_FORMAT_NAMES[format]}` : 'The browser refused to copy.');
  }

  /** Replaces the bookmarks (a link opened). */
  setBookmarks(bookmarks: readonly Bookmark[]): void {
    this.bookmarks.set(bookmarks);
  }

  private shortcut(event: KeyboardEvent): void {
    // B on the bytes: name the cursor or the selection.
    if ((event.key === 'b' || event.key === 'B') && !event.ctrlKey && !event.metaKey && !event.altKey && event.target === this.view.element) {
      event.preventDefault();
      this.bookmarks.focus();
      return;
    }
    // F3 / Shift+F3: the next / previous match, from anywhere in the hex view (the browser's own find is Ctrl+F).
    if (event.key === 'F3' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      if (event.shiftKey) this.search.findPrevious();
      else this.search.findNext();
      return;
    }
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const key = event.key.toLowerCase();
    const inText = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement;
    if (key === 'g') {
      event.preventDefault();
      this.toolbar.gotoInput.focus();
      this.toolbar.gotoInput.select();
    } else if (key === 'f') {
      event.preventDefault();
      this.search.focus();
    } else if (key === 'c' && !inText) {
      event.preventDefault();
      void this.copy('hex');
    }
  }

  /** The cursor or selection moved: the status line now, the translation and the inspector when they answer. */
  private cursorMoved(): void {
    this.refreshStatus();
    this.locationChanged();
  }

  private refreshStatus(): void {
    const current = this.views.get(this.kind);
    if (!current) return;
    const { cursor, space } = current;
    this.disassembly.update(space, cursor);
    this.status.cursor.textContent = hexAddress(cursor);
    const showSymbol = () => {
      const now = this.views.get(this.kind);
      if (now === current && now.cursor === cursor) {
        this.status.symbol.textContent = capMiddle(visibleText(space.kind === 'virtual' ? this.context.symbols.now(cursor) ?? '' : ''), MAX_SYMBOL);
      }
    };
    this.status.symbol.textContent = capMiddle(visibleText(space.kind === 'virtual' ? this.nameOf(cursor, showSymbol) ?? '' : ''), MAX_SYMBOL);
    const selection = this.view.selection();
    const length = selection ? selection.end - selection.start : 0n;
    this.status.selection.textContent = selection
      ? `${length} byte${length === 1n ? '' : 's'} selected (${hexAddress(selection.start)} to ${hexAddress(selection.end - 1n)})`
      : '';
    if (space.kind === 'file') {
      // The file's structures are known here: no round trip.
      void space.describe(cursor).then((text) => (this.status.describe.textContent = visibleText(text)));
    } else {
      this.describeLater();
    }
    this.inspectLater();
  }

  /** The name of `address` known now; when the worker may know better, asks it and calls `then` once it answers. */
  private nameOf(address: bigint, then: () => void): string | null {
    const symbols = this.context.symbols;
    if (symbols.unknown(address)) {
      void symbols.name(address).then(() => {
        if (!this.destroyed) then();
      });
    }
    return symbols.now(address);
  }

  /** One describe() at a time; a cursor that moved meanwhile is described once more when it answers. */
  private describeLater(): void {
    if (this.describeRunning) {
      this.describeAgain = true;
      return;
    }
    const current = this.views.get(this.kind);
    if (!current) return;
    this.describeRunning = true;
    const { space, cursor } = current;
    space.describe(cursor).then(
      (text) => this.described(space, cursor, text),
      (error: unknown) => this.described(space, cursor, messageOf(error)),
    );
  }

  private described(space: AddressSpace, cursor: bigint, text: string): void {
    this.describeRunning = false;
    if (this.destroyed) return;
    const current = this.views.get(this.kind);
    if (current && current.space === space && current.cursor === cursor) this.status.describe.textContent = visibleText(text);
    if (this.describeAgain || !current || current.space !== space || current.cursor !== cursor) {
      this.describeAgain = false;
      this.describeLater();
    }
  }

  /** The inspector shows the bytes at the cursor: at once when their page is cached, else when it is read. */
  private inspectLater(): void {
    const now = this.view.bytesAtCursor(INSPECTOR_BYTES);
    const current = this.views.get(this.kind);
    if (!current) return;
    if (now.complete) {
      this.inspector.update(now.bytes.length > 0 ? now.bytes : null, current.cursor);
      return;
    }
    if (this.inspectRunning) {
      this.inspectAgain = true;
      return;
    }
    this.inspectRunning = true;
    this.view.readAtCursor(INSPECTOR_BYTES).then(
      (read) => this.inspected(read),
      () => this.inspected(null),
    );
  }

  private inspected(read: { bytes: Uint8Array; address: bigint } | null): void {
    this.inspectRunning = false;
    if (this.destroyed) return;
    const current = this.views.get(this.kind);
    if (read && current && current.cursor === read.address) this.inspector.update(read.bytes.length > 0 ? read.bytes : null, read.address);
    if (this.inspectAgain || (current && read && current.cursor !== read.address)) {
      this.inspectAgain = false;
      this.inspectLater();
    }
  }

  private locationChanged(): void {
    clearTimeout(this.locationTimer);
    this.locationTimer = setTimeout(() => {
      if (!this.destroyed && !this.pending) this.options.onLocationChange(this.state());
    }, LOCATION_DEBOUNCE_MS);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function exactSizeOf(length: bigint): string {
  return length > BigInt(Number.MAX_SAFE_INTEGER) ? `${length} bytes` : exactSize(Number(length));
}
