// <kdmp-viewer>: the whole viewer as one element a portal drops into its page. It renders into its own shadow root
// (the site's stylesheet linked inside, so the page's CSS and the viewer's do not mix) and speaks DOM events:
//
//   el.file = file                      opens a File or Blob (an <input type=file>'s, a download's)
//   <kdmp-viewer src="/dumps/x.dmp">    opens a dump on the page's own server, read with HTTP range requests
//   view="modules", address="0x..."     move to a tab, or to the hex view at an address (space="virtual" default)
//   el.open(source, name?), el.close(), el.navigate(view, location?), el.summary
//   el.addSymbols(files)                PDBs (SYS/EXE/DLL images too) for the open dump and the next ones: Files, or
//                                       {name, data: Blob | Uint8Array}; resolves to every file's status
//   events: kdmp-open {name, summary}, kdmp-error {name, error: {code, message}}, kdmp-navigate {view, space?,
//   address?}, kdmp-symbols {files: [{name, kind, used, error?}]}, kdmp-close
//   no-open (boolean attribute): hide the drop zone and file picker (the host opens dumps); sample-url: offer a sample
//
// defineKdmpViewer(setup) defines it with a setup (how to start the worker, where the stylesheet is), so the site's
// build (kdmp-viewer.ts) and the npm package (package/element.ts) each bring their own file layout.
import { isHex } from '../hex';
import type { Summary } from '../summary';
import { PANEL_IDS, type AddressSpaceKind, type HexLocation, type PanelId } from '../viewer/context';
import { Viewer, type ViewerEvent } from '../viewer/viewer';
import type { SymbolFileInput, SymbolFileStatus } from '../api/types';
import { EMBED_ERRORS, defaultDumpName } from './embed-protocol';
import { sameOriginUrl } from './origins';

export const KDMP_VIEWER_TAG = 'kdmp-viewer';

export interface KdmpViewerSetup {
  /** Starts a dump worker. Workers must be same-origin with the page. */
  createWorker(): Worker;
  /** The viewer's stylesheet (styles.css, bundled), linked inside the shadow root. */
  stylesheetUrl: string | URL;
  /** Where kdmpview.wasm is, when not next to the worker's glue; asked each time an element starts its viewer. */
  wasmUrl?(): string | undefined;
}

export interface KdmpOpenDetail { name: string; summary: Summary }
export interface KdmpErrorDetail { name: string; error: { code: string; message: string } }
export interface KdmpNavigateDetail { view: PanelId; space?: AddressSpaceKind; address?: string }
export interface KdmpSymbolsDetail { files: SymbolFileStatus[] }

type DumpInput = Blob | Uint8Array | string;
const SPACES: readonly string[] = ['file', 'physical', 'virtual'] satisfies AddressSpaceKind[];

/** Set once, by defineKdmpViewer, before the first element is created. */
let setup: KdmpViewerSetup | undefined;

function currentSetup(): KdmpViewerSetup {
  if (!setup) throw new Error('<kdmp-viewer> is not defined yet: call defineKdmpViewer(setup) first');
  return setup;
}

export class KdmpViewerElement extends HTMLElement {
  static readonly observedAttributes = ['src', 'view', 'address', 'space'];

  readonly #container: HTMLElement;
  #viewer: Viewer | undefined;
  #summary: Summary | null = null;
  #file: Blob | null = null;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    const stylesheet = document.createElement('link');
    stylesheet.rel = 'stylesheet';
    stylesheet.href = new URL(String(currentSetup().stylesheetUrl), document.baseURI).href;
    this.#container = document.createElement('div');
    this.#container.className = 'kdmp-viewer-root';
    this.#container.setAttribute('part', 'viewer');
    shadow.append(stylesheet, this.#container);
  }

  /** The summary of the open dump (the summary JSON's document); null before one is open. */
  get summary(): Summary | null {
    return this.#summary;
  }

  /** The last File or Blob set; setting one opens it, setting null closes the dump. */
  get file(): Blob | null {
    return this.#file;
  }

  set file(file: Blob | null) {
    this.#file = file;
    if (file) void this.open(file);
    else void this.close();
  }

  /** A dump on the page's own server (HTTP range requests); setting it opens it. */
  get src(): string {
    return this.getAttribute('src') ?? '';
  }

  set src(url: string) {
    this.setAttribute('src', url);
  }

  connectedCallback(): void {
    this.#ensureViewer();
  }

  disconnectedCallback(): void {
    // Moving the element (remove, then insert) keeps the dump; leaving the document closes it and ends its worker.
    queueMicrotask(() => {
      if (this.isConnected || !this.#viewer) return;
      this.#viewer.destroy();
      this.#viewer = undefined;
      this.#summary = null;
    });
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (name === 'src') {
      if (value && value !== previous) void this.open(value);
      return;
    }
    if (this.#summary) this.#navigateToAttributes();
  }

  /** Opens a dump (replacing the open one): a File or Blob, bytes, or a same-origin URL. Resolves to its
   *  summary, or null when it could not be opened (a kdmp-error event says why). */
  async open(source: DumpInput, name: string = defaultDumpName(source)): Promise<Summary | null> {
    const viewer = this.#ensureViewer();
    if (typeof source === 'string') {
      const url = sameOriginUrl(source, document.baseURI, location.origin);
      if (!url) {
        this.#emit({
          type: 'error', name,
          error: { code: EMBED_ERRORS.crossOriginUrl, message: `${source} is not on this page's origin (${location.origin}): the viewer only reads dumps from its own origin` },
        });
        return null;
      }
      source = url;
    }
    return viewer.open(source, name);
  }

  /** Symbol files (PDBs; SYS/EXE/DLL images for modules whose header the dump lacks) for the open dump and the ones
   *  opened after it, kept for the element's life (and in the browser when its user ticked "Keep"). Resolves to what
   *  became of every symbol file the open dump holds ([] when none is open: they wait for the next). */
  async addSymbols(files: readonly SymbolFileInput[]): Promise<SymbolFileStatus[]> {
    const asFiles = files.map((f) => {
      if (f instanceof File) return f;
      if (typeof f?.name !== 'string' || f.name === '' || !(f.data instanceof Blob || f.data instanceof Uint8Array)) {
        throw new TypeError('addSymbols: each file must be a File, or {name, data: Blob | Uint8Array}');
      }
      return new File([f.data as BlobPart], f.name, { type: 'application/octet-stream' });
    });
    return this.#ensureViewer().addSymbols(asFiles);
  }

  /** Closes the open dump (and ends its worker). */
  close(): Promise<void> {
    return this.#viewer?.close() ?? Promise.resolve();
  }

  /** Moves to a tab, or to the hex view at a location. */
  navigate(view: PanelId, location?: HexLocation): void {
    this.#viewer?.navigate(view, location);
  }

  #ensureViewer(): Viewer {
    if (this.#viewer) return this.#viewer;
    const { createWorker, wasmUrl: whereIsWasm } = currentSetup();
    const wasmUrl = whereIsWasm?.();
    this.#viewer = new Viewer(this.#container, {
      createWorker,
      ...(wasmUrl !== undefined ? { wasmUrl } : {}),
      useFragment: false,
      allowOpen: !this.hasAttribute('no-open'),
      ...(this.hasAttribute('sample-url') ? { sampleUrl: this.getAttribute('sample-url')! } : {}),
      onEvent: (event) => this.#emit(event),
    });
    return this.#viewer;
  }

  #emit(event: ViewerEvent): void {
    const fire = <T>(type: string, detail?: T) => this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    switch (event.type) {
      case 'opened':
        this.#summary = event.summary;
        fire<KdmpOpenDetail>('kdmp-open', { name: event.name, summary: event.summary });
        this.#navigateToAttributes();
        break;
      case 'error':
        fire<KdmpErrorDetail>('kdmp-error', { name: event.name, error: event.error });
        break;
      case 'navigate': {
        const { type: _type, ...detail } = event;
        fire<KdmpNavigateDetail>('kdmp-navigate', detail);
        break;
      }
      case 'closed':
        this.#summary = null;
        fire('kdmp-close');
        break;
      case 'symbols':
        fire<KdmpSymbolsDetail>('kdmp-symbols', { files: event.files });
        break;
    }
  }

  /** view="...", address="0x...", space="...": an address alone means the hex view. */
  #navigateToAttributes(): void {
    const view = this.getAttribute('view');
    const address = this.getAttribute('address');
    const space = this.getAttribute('space') ?? 'virtual';
    if (view !== null && !(PANEL_IDS as readonly string[]).includes(view)) {
      console.warn(`<kdmp-viewer>: view="${view}" is not one of ${PANEL_IDS.join(', ')}`);
      return;
    }
    if (address !== null && (!isHex(address) || !SPACES.includes(space))) {
      console.warn(`<kdmp-viewer>: address="${address}" space="${space}" is not a "0x..." address in file, physical or virtual`);
      return;
    }
    if (address !== null && (view === null || view === 'hex')) {
      this.navigate('hex', { space: space as AddressSpaceKind, address: BigInt(address) });
    } else if (view !== null) {
      this.navigate(view as PanelId);
    }
  }
}

/** Defines <kdmp-viewer> with `elementSetup`, unless the page already has one (a second copy of the script is
 *  harmless). */
export function defineKdmpViewer(elementSetup: KdmpViewerSetup): CustomElementConstructor {
  const existing = customElements.get(KDMP_VIEWER_TAG);
  if (existing) return existing;
  setup = elementSetup;
  customElements.define(KDMP_VIEWER_TAG, KdmpViewerElement);
  return KdmpViewerElement;
}

declare global {
  interface HTMLElementTagNameMap {
    'kdmp-viewer': KdmpViewerElement;
  }
  interface HTMLElementEventMap {
    'kdmp-open': CustomEvent<KdmpOpenDetail>;
    'kdmp-error': CustomEvent<KdmpErrorDetail>;
    'kdmp-navigate': CustomEvent<KdmpNavigateDetail>;
    'kdmp-close': CustomEvent<undefined>;
    'kdmp-symbols': CustomEvent<KdmpSymbolsDetail>;
  }
}
