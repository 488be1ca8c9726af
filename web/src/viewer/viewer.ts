// The viewer: everything a user sees, rendered into one root element, so the standalone page (main.ts), the
// <kdmp-viewer> element and the iframe mode share it. It opens dumps (a drop, the file picker, the sample, a URL,
// or several files at once as a table of crashes), shows an open dump as tabs (PANELS plus the hex view), keeps
// the view in the URL fragment when asked to, and exports the summary and a plain-text report.
import { openDumpInWorker } from '../api/browser';
import { KdmpError } from '../api/errors';
import type { DumpHandle, DumpSource } from '../api/types';
import { bookmarkJson, type Bookmark } from '../hex/bookmarks';
import { HexWorkspace, type HexState } from '../hex/workspace';
import { PANELS } from '../panels/index';
import { crashReport } from '../report';
import type { Hex, Summary } from '../summary';
import { el, setText } from '../views/dom';
import { renderError } from '../views/error-view';
import { copyText, downloadText } from './clipboard';
import type { AddressSpaceKind, HexLocation, Panel, PanelId, ViewerContext } from './context';
import { initialTableState, renderCrashList, type CrashListEntry, type CrashTableState } from './crash-list';
import { droppedFiles, pickedFiles, type NamedFile } from './folder-files';
import { readSummaries } from './summary-pool';
import { formatFragment, parseFragment, type ViewState } from './fragment';
import { ModuleMap } from './module-map';
import { SymbolNames } from './symbol-names';
import { cspAllowsConnect, fetchFromServer, modulesWanting, parseServerUrl } from './symbol-server';
import { SymbolSettingsPanel } from './symbol-settings';
import { forgetSymbolFiles, loadSymbolFiles, readSymbolSettings, storeSymbolFiles, writeSymbolSettings, type SymbolSettings } from './symbol-store';
import type { SymbolFileStatus } from '../protocol';

export interface ViewerOptions {
  /** Starts a dump worker (web/src/worker/worker.ts, built). */
  createWorker(): Worker;
  /** Where kdmpview.wasm is, when not next to the worker's glue. */
  wasmUrl?: string;
  /** Keep the view and the hex address in location.hash (the standalone page). */
  useFragment?: boolean;
  /** Offer "Open the sample dump", read from this (same-origin) URL. */
  sampleUrl?: string;
  /** Keep a worker with the wasm module loaded ready for the next dump (the standalone page): a drop then skips
   *  starting a worker and compiling the module. */
  prewarm?: boolean;
  /** Show the drop zone and the file picker (default true). */
  allowOpen?: boolean;
  /** Element ids for the file input and the sample button (the standalone page's "file-input", "open-sample"); by
   *  default unique generated ones, so several viewers can share a document. */
  ids?: { fileInput?: string; sampleButton?: string };
  onEvent?(event: ViewerEvent): void;
}

export type ViewerEvent =
  | { type: 'opened'; name: string; summary: Summary }
  | { type: 'error'; name: string; error: { code: string; message: string } }
  | { type: 'navigate'; view: PanelId; space?: AddressSpaceKind; address?: Hex }
  /** Symbol files were handed to the open dump: what became of every file it holds. */
  | { type: 'symbols'; files: SymbolFileStatus[] }
  | { type: 'closed' };

const HEX_TAB = { id: 'hex' as const, title: 'Hex view' };

/** An open dump and what the viewer built for it. */
interface OpenDump {
  dump: DumpHandle;
  context: ViewerContext;
  tabs: Map<PanelId, HTMLButtonElement>;
  sections: Map<PanelId, HTMLElement>;
  rendered: Set<PanelId>;
  workspace?: HexWorkspace;
  view: PanelId;
  /** The hex view's bookmarks (kept here: a link may bring them before the hex view is first shown). */
  bookmarks: Bookmark[];
  /** The symbol files already handed to this dump. */
  symbolsAdded?: Set<File>;
  /** Symbol-server paths already asked for this dump (name.pdb/GUIDAGE/name.pdb). */
  serverAsked?: Set<string>;
}

/** Files that are symbols rather than dumps: PDBs and PE images (for modules whose header the dump lacks). */
const SYMBOL_FILE = /\.(pdb|sys|exe|dll)$/i;

export class Viewer {
  /** Symbol files dropped, picked, downloaded or restored during this visit (stored only when the user asks). */
  private readonly symbolFiles: File[] = [];
  /** Keep symbol files across visits, and the symbol server (both off unless the user chose them). */
  private symbolSettings: SymbolSettings;
  private readonly symbolMenu: SymbolSettingsPanel;
  /** Symbol work runs one step at a time (a restore, a drop and a download may overlap). */
  private symbolQueue: Promise<unknown> = Promise.resolve();
  private readonly openZone: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly body: HTMLElement;
  private readonly fileInput: HTMLInputElement;
  private current: OpenDump | undefined;
  /** The table of crashes of the last multi-file drop: "Back to the list" returns to it. */
  private list: CrashListEntry[] | undefined;
  /** Sort, hidden columns and filter of the table, kept across Back and Forward. */
  private listState: CrashTableState = initialTableState();
  /** The list entry the open dump came from (null: a dump opened on its own). */
  private currentEntry: number | null = null;
  private readonly folderInput: HTMLInputElement;
  /** A started worker that has loaded the wasm module, for the next open (options.prewarm). */
  private spare: Worker | null = null;
  private destroyed = false;
  private readonly onPopState = (event: PopStateEvent) => void this.restore(event.state as HistoryState | null);
  /** Bumped by every open: an open that finishes after a newer one started is thrown away. */
  private generation = 0;
  /** The fragment this viewer last wrote and the dump it describes (name and size): another dump opened next does
   *  not inherit it; the same file opened again does, as does a fragment from a link, a reload or the address bar. */
  private ownFragment: { fragment: string; dump: string } | null = null;
  private readonly onHashChange = () => {
    // Back and Forward between the viewer's own entries: onPopState has it.
    if ((history.state as HistoryState | null)?.kdmpview) return;
    const state = parseFragment(location.hash);
    if (state && this.current) this.apply(state, false);
  };

  constructor(private readonly root: HTMLElement, private readonly options: ViewerOptions) {
    root.classList.add('kdmpview');
    this.fileInput = el('input', { className: 'visually-hidden' });
    this.fileInput.type = 'file';
    this.fileInput.multiple = true;
    this.fileInput.id = options.ids?.fileInput ?? `kdmp-file-${Math.random().toString(36).slice(2)}`;
    this.fileInput.dataset.role = 'file-input';
    this.fileInput.addEventListener('change', () => {
      const files = [...(this.fileInput.files ?? [])];
      this.fileInput.value = '';
      void this.openFiles(files);
    });
    // A folder: every file inside it (and its subfolders) goes into the table of crashes.
    this.folderInput = el('input', { className: 'visually-hidden' });
    this.folderInput.type = 'file';
    this.folderInput.webkitdirectory = true;
    this.folderInput.id = `${this.fileInput.id}-folder`;
    this.folderInput.dataset.role = 'folder-input';
    this.folderInput.addEventListener('change', () => {
      const files = pickedFiles([...(this.folderInput.files ?? [])]);
      this.folderInput.value = '';
      void this.openNamed(files, true);
    });
    this.symbolSettings = readSymbolSettings();
    this.symbolMenu = new SymbolSettingsPanel(this.fileInput.id, this.symbolSettings, {
      addFiles: (files) => void this.addSymbols(files),
      setKeep: (keep) => void this.setKeepSymbols(keep),
      forget: () => void this.forgetSymbols(),
      setServer: (url) => this.setSymbolServer(url),
    });
    this.openZone = this.renderOpenZone();
    this.statusLine = el('p', { className: 'status', data: { role: 'status' } });
    this.statusLine.setAttribute('role', 'status');
    this.statusLine.setAttribute('aria-live', 'polite');
    this.body = el('div', { className: 'viewer-body' });
    root.replaceChildren(this.openZone, this.statusLine, this.body);
    this.openZone.hidden = options.allowOpen === false;
    // Drops land anywhere on the viewer; the zone only shows where.
    for (const type of ['dragenter', 'dragover'] as const) {
      root.addEventListener(type, (event) => {
        event.preventDefault();
        this.openZone.classList.add('dragging');
      });
    }
    root.addEventListener('dragleave', (event) => {
      if (!event.relatedTarget || !root.contains(event.relatedTarget as Node)) this.openZone.classList.remove('dragging');
    });
    root.addEventListener('drop', (event) => {
      event.preventDefault();
      this.openZone.classList.remove('dragging');
      if (event.dataTransfer) void this.openDrop(event.dataTransfer);
    });
    if (options.prewarm) this.prepareSpare();
    if (this.symbolSettings.keep) void this.restoreSymbols();
    if (options.useFragment) {
      window.addEventListener('hashchange', this.onHashChange);
      window.addEventListener('popstate', this.onPopState);
    }
  }

  private renderOpenZone(): HTMLElement {
    const pick = el('label', { className: 'button', text: 'Choose files…' });
    pick.htmlFor = this.fileInput.id;
    const pickFolder = el('label', { className: 'button secondary', text: 'Choose a folder…' });
    pickFolder.htmlFor = this.folderInput.id;
    const actions = el('div', { className: 'actions' }, [pick, this.fileInput, pickFolder, this.folderInput, this.symbolMenu.element]);
    if (this.options.sampleUrl) {
      const sample = el('button', { className: 'button', text: 'Open the sample dump', data: { action: 'open-sample' } });
      sample.type = 'button';
      if (this.options.ids?.sampleButton) sample.id = this.options.ids.sampleButton;
      sample.addEventListener('click', () => void this.openSample());
      actions.append(sample);
    }
    const zone = el('section', { className: 'drop-zone', data: { role: 'drop-zone' } }, [
      el('p', { className: 'drop-hint', text: 'Drop a MEMORY.DMP, kernel minidumps or a folder of them (several at once for a table of crashes) here, or' }),
      // Once a dump is open the zone shrinks to one line (the dump needs the screen): this is its label then.
      el('span', { className: 'drop-compact-label', text: 'Open another dump: drop it here, or' }),
      actions,
      el('p', { className: 'privacy', text: 'The file is read in this page only; nothing is uploaded.' }),
    ]);
    zone.setAttribute('aria-label', 'Open a dump');
    return zone;
  }

  /** The worker for the next dump: the spare one when ready, else a new one. */
  private readonly takeWorker = (): Worker => {
    const worker = this.spare ?? this.options.createWorker();
    this.spare = null;
    return worker;
  };

  /** Starts a spare worker and has it load the wasm module (a reply nobody waits for). */
  private prepareSpare(): void {
    if (!this.options.prewarm || this.spare || this.destroyed) return;
    this.spare = this.options.createWorker();
    const wasmUrl = this.options.wasmUrl === undefined ? undefined : new URL(this.options.wasmUrl, location.href).href;
    this.spare.postMessage({ id: 0, type: 'warm', body: wasmUrl ? { wasmUrl } : {} });
  }

  setStatus(text: string): void {
    setText(this.statusLine, text);
  }

  private emit(event: ViewerEvent): void {
    this.options.onEvent?.(event);
  }

  /** One file opens; several become a table of crashes. */
  async openFiles(files: File[]): Promise<void> {
    await this.openNamed(files.map((file) => ({ file, name: file.name })), false);
  }

  /** A drop: files, or folders whose files all go into the table. */
  async openDrop(transfer: DataTransfer): Promise<void> {
    const hasFolder = [...transfer.items].some((i) => i.webkitGetAsEntry?.()?.isDirectory);
    await this.openNamed(await droppedFiles(transfer), hasFolder);
  }

  /** One file opens (unless it came from a folder); several become a table of crashes. Symbol files (PDB, SYS, EXE,
   *  DLL) are kept for this visit and handed to the open dump and to every dump opened after them. */
  private async openNamed(all: NamedFile[], fromFolder: boolean): Promise<void> {
    const symbols = all.filter((f) => SYMBOL_FILE.test(f.name));
    const files = all.filter((f) => !SYMBOL_FILE.test(f.name));
    if (files.length === 0 && symbols.length > 0) {
      await this.addSymbols(symbols.map((s) => s.file));
      return;
    }
    await this.keepSymbolFiles(symbols.map((s) => s.file));
    if (files.length === 0) {
      if (fromFolder) this.setStatus('The folder holds no files.');
      return;
    }
    if (files.length === 1 && !fromFolder) {
      this.list = undefined;
      this.currentEntry = null;
      await this.open(files[0]!.file, files[0]!.name);
      return;
    }
    await this.openList(files);
  }

  private async openSample(): Promise<void> {
    const url = this.options.sampleUrl!;
    this.setStatus('Fetching the sample dump…');
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.list = undefined;
      await this.open(await response.blob(), url.split('/').pop() || 'sample.dmp');
    } catch (e) {
      this.setStatus(`The sample dump could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Opens one dump (replacing the open one) and shows its first screen; null when it cannot be read. `record`: add
   *  the dump to the browser's history (false when Back or Forward is reopening it). */
  async open(source: DumpSource, name: string, record = true): Promise<Summary | null> {
    const mine = ++this.generation;
    performance.mark('kdmpview:open-start');
    this.setStatus(`Opening ${name}…`);
    await this.closeCurrent();
    this.body.replaceChildren();
    let dump: DumpHandle;
    try {
      dump = await openDumpInWorker(source, { createWorker: this.takeWorker, wasmUrl: this.options.wasmUrl });
    } catch (e) {
      setTimeout(() => this.prepareSpare(), 0);
      if (mine !== this.generation) return null;
      const error = e instanceof KdmpError ? { code: e.code, message: e.message } : { code: 'internal-error', message: String(e) };
      this.setStatus('');
      this.body.replaceChildren(...this.backToList(), renderError(name, error));
      this.emit({ type: 'error', name, error });
      return null;
    }
    if (mine !== this.generation) {
      void dump.close();
      return null;
    }
    const summary = await dump.summary();
    this.show(dump, summary, name);
    if (this.symbolFiles.length > 0) await this.applySymbols();
    if (this.symbolSettings.server) void this.fetchServerSymbols();
    if (record) this.remember({ entry: this.currentEntry, view: this.current!.view }, this.currentEntry === null);
    performance.mark('kdmpview:summary-shown');
    // The next drop finds a worker ready (started after this one's first screen, so it does not slow it down).
    setTimeout(() => this.prepareSpare(), 0);
    this.setStatus(`Opened ${name}.`);
    this.emit({ type: 'opened', name, summary });
    return summary;
  }

  /** Reads every file's summary in parallel workers (summary-pool.ts), with progress, then shows the table. */
  private async openList(files: NamedFile[]): Promise<void> {
    const mine = ++this.generation;
    performance.mark('kdmpview:list-start');
    await this.closeCurrent();
    this.root.classList.add('has-content');
    const progress = el('progress', { data: { role: 'list-progress' } });
    progress.max = files.length;
    progress.value = 0;
    const progressText = el('span', { text: `Reading ${files.length} files…` });
    this.body.replaceChildren(el('div', { className: 'list-progress' }, [progressText, progress]));
    let shownAt = 0;
    const results = await readSummaries(files.map((f) => f.file), {
      createWorker: this.takeWorker,
      wasmUrl: this.options.wasmUrl,
      cancelled: () => mine !== this.generation,
      onProgress: (done, total) => {
        progress.value = done;
        // A few updates a second are enough; a thousand status changes would cost more than the reading.
        const now = performance.now();
        if (done === total || now - shownAt > 100) {
          shownAt = now;
          progressText.textContent = `Read ${done} of ${total} files…`;
        }
      },
    });
    if (mine !== this.generation) return;
    this.list = results.map((result, i) => ({ file: files[i]!.file, name: files[i]!.name, ...result }));
    this.listState = initialTableState();
    this.currentEntry = null;
    this.showList();
    this.remember({ entry: null, view: 'list' }, true);
    performance.mark('kdmpview:list-shown');
    setTimeout(() => this.prepareSpare(), 0);
    this.setStatus(`Read ${files.length} files.`);
  }

  private showList(): void {
    if (!this.list) return;
    this.body.replaceChildren(renderCrashList(this.list, this.listState, (entry) => void this.openEntry(this.list!.indexOf(entry)), this.root));
  }

  /** Opens a file of the table; Back returns to the table. */
  private async openEntry(index: number, view?: PanelId): Promise<void> {
    const entry = this.list?.[index];
    if (!entry) return;
    this.currentEntry = index;
    const summary = await this.open(entry.file, entry.name, view === undefined);
    if (summary && view) this.select(view, false);
  }

  private returnToList(): void {
    ++this.generation;
    this.currentEntry = null;
    void this.closeCurrent().then(() => this.showList());
  }

  private backToList(): HTMLElement[] {
    if (!this.list) return [];
    const back = el('button', { className: 'link-button back-to-list', text: `← Back to the list of ${this.list.length} dumps` });
    back.type = 'button';
    back.addEventListener('click', () => {
      this.returnToList();
      this.remember({ entry: null, view: 'list' }, false);
    });
    return [back];
  }

  /** Records where the user is in the browser's history: `replace` for the first entry of a list or a dump,
   *  a new entry for each move between the table, a dump and its tabs (so Back and Forward walk them). */
  private remember(state: NonNullable<HistoryState['kdmpview']>, replace: boolean): void {
    if (!this.options.useFragment) return;
    const bookmarks = this.current?.bookmarks ?? [];
    const fragment = state.view === 'list' ? location.pathname + location.search
      : formatFragment(bookmarks.length ? { view: state.view, bookmarks } : { view: state.view });
    const entry: HistoryState = { kdmpview: state };
    if (replace) history.replaceState(entry, '', fragment);
    else history.pushState(entry, '', fragment);
    if (this.current && state.view !== 'list') this.ownFragment = { fragment: location.hash, dump: dumpKey(this.current.context.name, this.current.context.summary) };
  }

  /** Back or Forward landed on one of the viewer's entries: show it, reopening a dump of the table if needed. */
  private async restore(entry: HistoryState | null): Promise<void> {
    const state = entry?.kdmpview;
    if (!state) return;
    if (state.view === 'list') {
      if (this.list && (this.current || this.currentEntry !== null)) this.returnToList();
      return;
    }
    if (state.entry !== null && state.entry !== this.currentEntry) {
      await this.openEntry(state.entry, state.view);
      return;
    }
    if (this.current) this.apply(parseFragment(location.hash) ?? { view: state.view }, false, false);
  }

  /** The tabs of an open dump. */
  private show(dump: DumpHandle, summary: Summary, name: string): void {
    const panels = PANELS.filter((p) => p.available(summary));
    const tabList = el('div', { className: 'tabs' });
    tabList.setAttribute('role', 'tablist');
    tabList.setAttribute('aria-label', 'Views of the dump');
    const sections = el('div', { className: 'tab-panels' });
    const modules = new ModuleMap(summary.modules);
    const open: OpenDump = {
      dump,
      tabs: new Map(),
      sections: new Map(),
      rendered: new Set(),
      view: 'crash',
      bookmarks: [],
      context: {
        dump,
        summary,
        name,
        modules,
        symbols: new SymbolNames(dump, modules, summary.modules.some((m) => m.symbols === 'pdb' || m.symbols === 'exports')),
        showHex: (location) => this.showHex(location),
        showPanel: (id) => this.select(id),
        setStatus: (text) => this.setStatus(text),
      },
    };
    for (const tab of [...panels, HEX_TAB]) {
      const button = el('button', { className: 'tab', text: tab.title, data: { tab: tab.id } });
      button.type = 'button';
      button.id = `${this.fileInput.id}-tab-${tab.id}`;
      button.setAttribute('role', 'tab');
      button.addEventListener('click', () => this.select(tab.id));
      const section = el('section', { className: 'tab-panel', data: { panel: tab.id } });
      section.setAttribute('role', 'tabpanel');
      section.setAttribute('aria-labelledby', button.id);
      section.hidden = true;
      open.tabs.set(tab.id, button);
      open.sections.set(tab.id, section);
      tabList.append(button);
      sections.append(section);
    }
    // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
    tabList.addEventListener('keydown', (event) => {
      const ids = [...open.tabs.keys()];
      // From the focused tab (the selected one, unless focus was moved there by a click elsewhere).
      const focused = (event.target as HTMLElement).closest<HTMLElement>('[data-tab]')?.dataset.tab as PanelId | undefined;
      const at = ids.indexOf(focused ?? open.view);
      const next = event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? ids.length - 1 : null;
      if (next === null) return;
      event.preventDefault();
      const id = ids[(next + ids.length) % ids.length]!;
      this.select(id);
      open.tabs.get(id)!.focus();
    });
    this.current = open;
    this.root.classList.add('has-content');

    const exportJson = el('button', { className: 'button secondary', text: 'Export summary JSON', data: { action: 'export-json' } });
    exportJson.type = 'button';
    exportJson.addEventListener('click', () => {
      const bookmarks = this.current === open && open.bookmarks.length ? { bookmarks: open.bookmarks.map(bookmarkJson) } : {};
      const document = { ...summary, file: name, ...bookmarks };
      downloadText(`${JSON.stringify(document, null, 2)}\n`, `${name.replace(/\.[^.]*$/, '')}.summary.json`, 'application/json', this.root);
      this.setStatus(`Saved the summary of ${name} as JSON.`);
    });
    const copyReport = el('button', { className: 'button secondary', text: 'Copy crash report', data: { action: 'copy-report' } });
    copyReport.type = 'button';
    copyReport.addEventListener('click', async () => {
      const ok = await copyText(crashReport(summary, name), this.root);
      this.setStatus(ok ? 'Copied the crash report as plain text.' : 'The browser refused to copy; select the report text instead.');
    });
    const title = el('div', { className: 'dump-heading' }, [
      el('div', {}, [
        el('h2', { className: 'dump-title', text: name, cap: { max: 80, at: 'middle' }, data: { field: 'fileName' } }),
        el('p', { className: 'dump-subtitle', text: `${summary.header.dumpTypeName} dump · ${summary.header.machineName} · ${summary.bugcheck.name} (${summary.bugcheck.code})` }),
      ]),
      el('div', { className: 'dump-actions' }, [exportJson, copyReport]),
    ]);
    this.body.replaceChildren(...this.backToList(), title, tabList, sections);

    const own = this.ownFragment;
    const inherited = own !== null && own.fragment === location.hash && own.dump !== dumpKey(name, summary);
    const wanted = this.options.useFragment && !inherited ? parseFragment(location.hash) : null;
    this.apply(wanted && open.tabs.has(wanted.view) ? wanted : { view: 'crash' }, false, false);
  }

  /** Shows a view state (from the fragment, a host, or a panel). */
  private apply(state: ViewState, announce = true, record = true): void {
    if (state.bookmarks && this.current) {
      this.current.bookmarks = state.bookmarks;
      this.current.workspace?.setBookmarks(state.bookmarks);
    }
    if (state.view === 'hex' && state.hex) this.showHex(state.hex, record);
    else this.select(state.view, announce, record);
  }

  /** Switches tab; renders the tab the first time. */
  private select(id: PanelId, announce = true, record = announce): void {
    const open = this.current;
    if (!open || !open.tabs.has(id)) return;
    // A change of tab is a step Back can undo.
    if (record && open.view !== id) this.remember({ entry: this.currentEntry, view: id }, false);
    open.view = id;
    for (const [tab, button] of open.tabs) {
      const selected = tab === id;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      open.sections.get(tab)!.hidden = !selected;
    }
    if (!open.rendered.has(id)) {
      open.rendered.add(id);
      void this.render(open, id);
    }
    if (id !== 'hex') {
      this.writeFragment({ view: id });
      if (announce) this.emit({ type: 'navigate', view: id });
    }
  }

  private async render(open: OpenDump, id: PanelId): Promise<void> {
    const section = open.sections.get(id)!;
    if (id === 'hex') {
      section.append(this.workspace(open).element);
      return;
    }
    const panel = PANELS.find((p) => p.id === id) as Panel;
    try {
      section.replaceChildren(await panel.render(open.context));
    } catch (e) {
      section.replaceChildren(el('p', { className: 'error-message', text: `This view failed: ${e instanceof Error ? e.message : String(e)}` }));
    }
  }

  private workspace(open: OpenDump): HexWorkspace {
    open.workspace ??= new HexWorkspace(open.context, {
      bookmarks: open.bookmarks,
      onBookmarks: (bookmarks) => {
        open.bookmarks = [...bookmarks];
        if (this.current !== open) return;
        this.writeFragment(open.view === 'hex' && open.workspace ? { view: 'hex', hex: open.workspace.state() } : { view: open.view });
      },
      onLocationChange: (state: HexState) => {
        if (this.current !== open || open.view !== 'hex') return;
        this.writeFragment({ view: 'hex', hex: state });
        this.emit({ type: 'navigate', view: 'hex', space: state.space, address: `0x${state.address.toString(16)}` });
      },
    });
    return open.workspace;
  }

  private showHex(location: HexLocation & { bytesPerRow?: 16 | 32 }, record = true): void {
    const open = this.current;
    if (!open) return;
    const workspace = this.workspace(open);
    this.select('hex', false, record);
    workspace.show(location);
  }

  /** Moves to a view (and, for the hex view, a location), as a host or a link asks. */
  navigate(view: PanelId, location?: HexLocation): void {
    this.apply(view === 'hex' && location ? { view, hex: location } : { view });
  }

  private writeFragment(state: ViewState): void {
    if (!this.options.useFragment) return;
    const bookmarks = this.current?.bookmarks ?? [];
    const fragment = formatFragment(bookmarks.length ? { ...state, bookmarks } : state);
    // replaceState: moving around a dump should not fill the back button's history.
    if (location.hash !== fragment) history.replaceState(history.state, '', fragment);
    if (this.current) this.ownFragment = { fragment: location.hash, dump: dumpKey(this.current.context.name, this.current.context.summary) };
  }

  /** Adds symbol files (PDB, SYS, EXE, DLL) to this visit's, stores them when the user chose to keep them, and hands
   *  them to the open dump. Resolves to what became of every symbol file of the open dump ([] with none open). */
  async addSymbols(files: readonly File[]): Promise<SymbolFileStatus[]> {
    await this.keepSymbolFiles(files);
    return this.applySymbols();
  }

  /** The files not seen yet join this visit's list and, when the user chose to keep them, the browser's store. */
  private async keepSymbolFiles(files: readonly File[], stored = false): Promise<File[]> {
    const known = new Set(this.symbolFiles.map(fileKey));
    const fresh = files.filter((f) => !known.has(fileKey(f)) && (known.add(fileKey(f)), true));
    this.symbolFiles.push(...fresh);
    this.symbolMenu.setFiles(this.symbolFiles.map((f) => f.name));
    if (!stored && this.symbolSettings.keep && fresh.length > 0) {
      try {
        await storeSymbolFiles(fresh);
      } catch (e) {
        this.symbolMenu.setWarnings([`The symbol files could not be stored in this browser: ${messageOf(e)}`]);
      }
    }
    return fresh;
  }

  /** The files kept from earlier visits (the user chose to keep them). */
  private async restoreSymbols(): Promise<void> {
    let files: File[];
    try {
      files = await loadSymbolFiles();
    } catch (e) {
      this.symbolMenu.setWarnings([`The stored symbol files could not be read: ${messageOf(e)}`]);
      return;
    }
    if ((await this.keepSymbolFiles(files, true)).length > 0) await this.applySymbols();
  }

  private async setKeepSymbols(keep: boolean): Promise<void> {
    this.symbolSettings = { ...this.symbolSettings, keep };
    writeSymbolSettings(this.symbolSettings);
    if (!keep) {
      this.setStatus('Symbol files are kept for this visit only (the ones stored before stay until you forget them).');
      return;
    }
    try {
      await storeSymbolFiles(this.symbolFiles);
      this.setStatus(`Symbol files are kept in this browser (${this.symbolFiles.length} stored).`);
    } catch (e) {
      this.symbolMenu.setWarnings([`The symbol files could not be stored in this browser: ${messageOf(e)}`]);
    }
  }

  private async forgetSymbols(): Promise<void> {
    this.symbolSettings = { ...this.symbolSettings, keep: false };
    writeSymbolSettings(this.symbolSettings);
    this.symbolMenu.setKeep(false);
    try {
      await forgetSymbolFiles();
      this.setStatus('Forgot the stored symbol files; the ones of this visit stay until the page closes.');
    } catch (e) {
      this.symbolMenu.setWarnings([`The stored symbol files could not be deleted: ${messageOf(e)}`]);
    }
  }

  private setSymbolServer(text: string): void {
    if (text === '') {
      this.symbolSettings = { ...this.symbolSettings, server: '' };
      writeSymbolSettings(this.symbolSettings);
      this.symbolMenu.setServerState('No symbol server: the viewer makes no request for symbols.');
      this.symbolMenu.setWarnings([]);
      return;
    }
    const url = parseServerUrl(text, location.href);
    if (!url) {
      this.symbolMenu.setServerState(`Not a symbol server URL: ${text} (http or https, without user name, query or fragment).`);
      return;
    }
    this.symbolSettings = { ...this.symbolSettings, server: url.href };
    writeSymbolSettings(this.symbolSettings);
    this.symbolMenu.setServerState(`Symbol server: ${url.href}`);
    void this.fetchServerSymbols();
  }

  /** Asks the symbol server for the PDBs of the open dump's modules that name one and have none yet. */
  private async fetchServerSymbols(): Promise<void> {
    const open = this.current;
    const server = this.symbolSettings.server ? parseServerUrl(this.symbolSettings.server, location.href) : null;
    if (!open || !server) return;
    // Symbol files re-show the dump (a new OpenDump for the same DumpHandle): the dump is what must stay open.
    const stillOpen = () => this.current?.dump === open.dump;
    open.serverAsked ??= new Set();
    const wanted = modulesWanting(open.context.summary.modules).filter((w) => !open.serverAsked!.has(w.path));
    if (wanted.length === 0) return;
    for (const w of wanted) open.serverAsked.add(w.path);
    // A page whose own CSP forbids the server: say so instead of letting the browser refuse each request.
    const policy = document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute('content') ?? null;
    if (!cspAllowsConnect(policy, server, location.origin)) {
      const warning = `The page's Content-Security-Policy does not allow ${server.origin} (connect-src): deploy the viewer with a policy that allows it, or reach the server through a proxy on ${location.origin}.`;
      this.symbolMenu.setWarnings([warning]);
      this.setStatus(`Symbol server not reachable: ${warning}`);
      return;
    }
    this.symbolMenu.setWarnings([]);
    const progress = (done: number, bytes: number) => `Symbol server: ${done} of ${wanted.length} PDB(s) asked, ${(bytes / 1048576).toFixed(1)} MiB received…`;
    this.setStatus(progress(0, 0));
    const { files, warnings } = await fetchFromServer(server, wanted, {
      onProgress: (p) => {
        if (stillOpen()) this.setStatus(progress(p.done, p.bytes));
      },
      cancelled: () => !stillOpen(),
    });
    this.symbolMenu.setWarnings(warnings);
    if (!stillOpen()) return;
    if (files.length > 0) await this.addSymbols(files);
    if (!stillOpen()) return;
    const got = `Symbol server: ${files.length} of ${wanted.length} PDB(s) downloaded`;
    this.setStatus(warnings.length ? `${got}; ${warnings.length} not: ${warnings.join(' ')}` : `${got}.`);
  }

  /** Hands the symbol files this dump has not seen yet to it and shows the summary again, with the names; the status
   *  line says which files matched nothing. One call at a time. */
  private applySymbols(): Promise<SymbolFileStatus[]> {
    const run = this.symbolQueue.then(() => this.applySymbolsNow(), () => this.applySymbolsNow());
    this.symbolQueue = run;
    return run;
  }

  private async applySymbolsNow(): Promise<SymbolFileStatus[]> {
    const open = this.current;
    if (!open) {
      this.setStatus(`${this.symbolFiles.length} symbol file(s) kept: they name the modules of the next dump opened.`);
      return [];
    }
    open.symbolsAdded ??= new Set();
    const fresh = this.symbolFiles.filter((f) => !open.symbolsAdded!.has(f));
    if (fresh.length === 0) return [];
    for (const f of fresh) open.symbolsAdded.add(f);
    const name = open.context.name;
    this.setStatus(`Reading ${fresh.length} symbol file(s)…`);
    let statuses: SymbolFileStatus[];
    try {
      statuses = await open.dump.addSymbols(fresh);
    } catch (e) {
      this.setStatus(`The symbol files could not be read: ${messageOf(e)}`);
      return [];
    }
    if (this.current !== open) return statuses;
    const view = open.view;
    const { symbolsAdded, serverAsked } = open;
    const hexState = open.view === 'hex' ? open.workspace?.state() : undefined;
    open.workspace?.destroy();
    this.show(open.dump, await open.dump.summary(), name);
    this.current!.symbolsAdded = symbolsAdded;
    if (serverAsked) this.current!.serverAsked = serverAsked;
    this.current!.bookmarks = open.bookmarks;
    if (hexState) this.showHex(hexState, false);
    else this.select(view, false);
    const unmatched = statuses.filter((s) => !s.used).map((s) => s.error ? `${s.name} (${s.error})` : s.name);
    const used = statuses.length - unmatched.length;
    this.setStatus(`Symbols: ${used} file(s) matched a module.` + (unmatched.length ? ` Unmatched: ${unmatched.join(', ')}.` : ''));
    this.emit({ type: 'symbols', files: statuses });
    return statuses;
  }

  private async closeCurrent(): Promise<void> {
    const open = this.current;
    this.current = undefined;
    if (!open) return;
    open.workspace?.destroy();
    await open.dump.close().catch(() => {});
    this.emit({ type: 'closed' });
  }

  /** Closes the open dump and clears the view. */
  async close(): Promise<void> {
    ++this.generation;
    await this.closeCurrent();
    this.root.classList.remove('has-content');
    this.body.replaceChildren();
    this.setStatus('');
  }

  destroy(): void {
    this.destroyed = true;
    this.spare?.terminate();
    this.spare = null;
    void this.close();
    window.removeEventListener('hashchange', this.onHashChange);
    window.removeEventListener('popstate', this.onPopState);
    this.root.replaceChildren();
  }
}

/** What the viewer keeps in history.state: the table, or a dump (its index in the table, null for a dump opened on
 *  its own) and its tab. */
interface HistoryState {
  kdmpview?: { entry: number | null; view: PanelId | 'list' };
}

/** A symbol file's identity: the same file picked twice is one file. */
function fileKey(file: File): string {
  return `${file.name}\u0000${file.size}\u0000${file.lastModified}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Tells dumps apart well enough to know whether a fragment was written for this one. */
function dumpKey(name: string, summary: Summary): string {
  return `${name} ${summary.header.fileSize} ${summary.header.systemTime ?? ''}`;
}
