// The "Symbols" menu beside the open buttons: the symbol files of this visit (add more), whether to keep them in this
// browser (off by default) and forget them, and the optional symbol server (off until a URL is typed). The viewer
// owns what these do; this file only draws them and reports the user's choices.
import { el, setText } from '../views/dom';
import type { SymbolSettings } from './symbol-store';

export interface SymbolSettingsActions {
  addFiles(files: File[]): void;
  setKeep(keep: boolean): void;
  forget(): void;
  /** '' turns the server off. */
  setServer(url: string): void;
}

/** Past this, the list says "and N more". */
const LISTED = 12;

export class SymbolSettingsPanel {
  readonly element: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly fileList: HTMLElement;
  private readonly keep: HTMLInputElement;
  private readonly server: HTMLInputElement;
  private readonly serverState: HTMLElement;
  private readonly warnings: HTMLElement;

  constructor(idPrefix: string, settings: SymbolSettings, private readonly actions: SymbolSettingsActions) {
    const picker = el('input', { className: 'visually-hidden', data: { role: 'symbol-input' } });
    picker.type = 'file';
    picker.multiple = true;
    picker.accept = '.pdb,.sys,.exe,.dll';
    picker.id = `${idPrefix}-symbols`;
    picker.addEventListener('change', () => {
      const files = [...(picker.files ?? [])];
      picker.value = '';
      if (files.length > 0) actions.addFiles(files);
    });
    const pick = el('label', { className: 'button secondary', text: 'Add symbol files…' });
    pick.htmlFor = picker.id;

    this.keep = el('input', { data: { field: 'keepSymbols' } });
    this.keep.type = 'checkbox';
    this.keep.checked = settings.keep;
    this.keep.addEventListener('change', () => actions.setKeep(this.keep.checked));
    const forget = el('button', { className: 'button secondary', text: 'Forget stored symbol files', data: { action: 'forget-symbols' } });
    forget.type = 'button';
    forget.addEventListener('click', () => {
      this.keep.checked = false;
      actions.forget();
    });

    this.server = el('input', { className: 'tool-input symbol-server-url', data: { field: 'symbolServerUrl' } });
    this.server.type = 'url';
    this.server.placeholder = 'https://symbols.example.com/ (off when empty)';
    this.server.value = settings.server;
    this.server.setAttribute('aria-label', 'Symbol server URL');
    const form = el('form', { className: 'symbol-server' }, [this.server]);
    const save = el('button', { className: 'button secondary', text: 'Use', data: { action: 'save-symbol-server' } });
    save.type = 'submit';
    const off = el('button', { className: 'button secondary', text: 'Off', data: { action: 'symbol-server-off' } });
    off.type = 'button';
    off.addEventListener('click', () => {
      this.server.value = '';
      actions.setServer('');
    });
    form.append(save, off);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      actions.setServer(this.server.value.trim());
    });
    this.serverState = el('p', { className: 'symbol-note', data: { field: 'symbolServerState' } });
    this.fileList = el('ul', { className: 'symbol-file-list', data: { field: 'symbolFiles' } });
    this.warnings = el('ul', { className: 'symbol-warnings', data: { role: 'symbol-warnings' } });
    this.summary = el('summary', { className: 'button secondary', text: 'Symbols' });

    const keepLabel = el('label', { className: 'symbol-keep' }, [this.keep, el('span', { text: 'Keep symbol files in this browser for later visits' })]);
    this.element = el('details', { className: 'symbol-menu', data: { role: 'symbol-menu' } }, [
      this.summary,
      el('div', { className: 'symbol-menu-body' }, [
        el('p', { className: 'symbol-note', text: 'PDB files name functions (module!function+0x10); SYS, EXE and DLL images help modules whose header the dump lacks. Drop them with a dump or after it, or:' }),
        el('div', { className: 'actions' }, [pick, picker]),
        this.fileList,
        keepLabel,
        el('p', { className: 'symbol-note', text: 'Kept files stay in this browser (IndexedDB) until you forget them; otherwise they are dropped when the page closes.' }),
        el('div', { className: 'actions' }, [forget]),
        el('h3', { text: 'Symbol server' }),
        el('p', { className: 'symbol-note', text: 'Off unless you type its URL: the viewer then fetches URL/name.pdb/GUIDAGE/name.pdb for each module that names its PDB. The server must allow this page\'s origin (CORS), or sit behind your own proxy on this origin, and the page\'s Content-Security-Policy must allow it.' }),
        form,
        this.serverState,
        this.warnings,
      ]),
    ]);
    this.setFiles([]);
    this.setServerState(settings.server ? `Symbol server: ${settings.server}` : 'No symbol server: the viewer makes no request for symbols.');
  }

  /** The files kept for this visit (and, when kept, across visits). */
  setFiles(names: readonly string[]): void {
    setText(this.summary, names.length ? `Symbols (${names.length})` : 'Symbols');
    const items = names.slice(0, LISTED).map((name) => el('li', { text: name, cap: { max: 60, at: 'middle' } }));
    if (names.length > LISTED) items.push(el('li', { text: `and ${names.length - LISTED} more` }));
    if (names.length === 0) items.push(el('li', { className: 'symbol-none', text: 'No symbol files yet.' }));
    this.fileList.replaceChildren(...items);
  }

  setKeep(keep: boolean): void {
    this.keep.checked = keep;
  }

  setServerState(text: string): void {
    setText(this.serverState, text);
  }

  /** The last download's problems (and the store's), one per line; [] clears them. */
  setWarnings(warnings: readonly string[]): void {
    this.warnings.replaceChildren(...warnings.map((w) => el('li', { text: w })));
  }
}
