// The search bar of the hex view: a pattern (hex with ?? wildcards, ASCII or UTF-16LE, either case), a search from
// the cursor that wraps or from the start, progress with Cancel (or Escape), the matches as buttons (F3 / Shift+F3
// step through them; the current one stays scrolled into the list's view). Everything lives in `element`: no listener on the document.
// The logic without the DOM is in search-logic.ts.
import type { DumpHandle } from '../api/types';
import { toHex } from '../hex';
import { encodeMaskedPattern, type EncodedPattern } from '../pattern';
import { el } from '../views/dom';
import type { AddressSpaceKind } from '../viewer/context';
import {
  countMatches, describeOutcome, isPatternKind, nextMatchIndex, PATTERN_KINDS, patternInput, previousMatchIndex, progressPercent,
  searchWithWrap, type PatternKind, type WrapSearch,
} from './search-logic';

export interface SearchScope {
  space: AddressSpaceKind;
  dtb?: bigint;
  /** The search starts here (the cursor), and wraps to the start of the space. */
  from: bigint;
}

export interface SearchPanelOptions {
  dump: DumpHandle;
  scope(): SearchScope;
  onMatch(address: bigint, length: number): void;
  /** "nt+0x1234" for a virtual address inside a module, else null: shown next to virtual matches. */
  symbolize?(address: bigint): string | null;
  /** Default 1000, the API's. */
  maxResults?: number;
}

/** The matches on screen and what found them ("Find next" reruns the search when the query changed since). */
interface Shown {
  key: string;
  matches: bigint[];
  length: number;
  buttons: HTMLButtonElement[];
  current: number | null;
}

let panelCount = 0;

export class SearchPanel {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly kind: HTMLSelectElement;
  private readonly ignoreCase: HTMLInputElement;
  private readonly origin: HTMLSelectElement;
  private readonly progressRow: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly percent: HTMLElement;
  private readonly status: HTMLElement;
  private readonly list: HTMLOListElement;
  private running: WrapSearch | null = null;
  /** Bumped by every search: replies of an older one are dropped. */
  private generation = 0;
  private shown: Shown | null = null;
  /** The status line without "(match 2 of 3)". */
  private statusText = '';

  constructor(private readonly options: SearchPanelOptions) {
    const id = `search-${++panelCount}`;
    this.input = el('input', { className: 'tool-input search-text mono' });
    this.input.type = 'search';
    this.input.id = `${id}-text`;
    this.input.autocomplete = 'off';
    this.input.spellcheck = false;
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.shiftKey) {
        event.preventDefault();
        this.findNext();
      }
    });

    this.kind = el('select', { className: 'tool-input search-kind' });
    this.kind.id = `${id}-kind`;
    for (const k of PATTERN_KINDS) {
      const option = el('option', { text: k.label });
      option.value = k.kind;
      this.kind.append(option);
    }
    this.kind.addEventListener('change', () => this.updatePlaceholder());

    // Either case: ASCII letters in text patterns (hex has ?? instead).
    this.ignoreCase = el('input', { className: 'search-ignore-case', data: { role: 'ignore-case' } });
    this.ignoreCase.type = 'checkbox';
    this.ignoreCase.id = `${id}-case`;
    const caseLabel = el('label', { className: 'search-option' }, [this.ignoreCase, el('span', { text: 'either case' })]);
    caseLabel.title = 'Match ASCII letters in upper or lower case (ASCII and UTF-16LE text)';
    this.origin = el('select', { className: 'tool-input search-origin', data: { role: 'search-origin' } }, [
      el('option', { text: 'from the cursor' }),
      el('option', { text: 'from the start' }),
    ]);
    this.origin.options[0]!.value = 'cursor';
    this.origin.options[1]!.value = 'start';
    this.origin.setAttribute('aria-label', 'Search from');

    const find = el('button', { text: 'Find', className: 'button search-find' });
    find.type = 'submit';
    const next = el('button', { text: 'Find next', className: 'tool-button search-next' });
    next.type = 'button';
    next.title = 'The next match in the list (F3 or Shift+Enter; Shift+F3: the one before)';
    next.setAttribute('aria-keyshortcuts', 'F3');
    next.addEventListener('click', () => this.findNext());
    const previous = el('button', { text: 'Previous', className: 'tool-button search-previous' });
    previous.type = 'button';
    previous.title = 'The match before in the list (Shift+F3)';
    previous.setAttribute('aria-keyshortcuts', 'Shift+F3');
    previous.addEventListener('click', () => this.findPrevious());

    // A visible title: under the inspector, the search is otherwise easy to miss.
    const textLabel = el('label', { text: 'Search for', className: 'search-title' });
    this.input.setAttribute('aria-keyshortcuts', 'Control+F');
    this.input.title = 'Ctrl+F from the hex view';
    textLabel.htmlFor = this.input.id;
    const kindLabel = el('label', { text: 'as', className: 'search-kind-label' });
    kindLabel.htmlFor = this.kind.id;
    const form = el('form', { className: 'search-form' }, [textLabel, this.input, kindLabel, this.kind, caseLabel, this.origin, find, next, previous]);
    form.setAttribute('role', 'search');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.find();
    });

    this.progress = el('progress', { className: 'search-progress-bar' });
    this.progress.max = 100;
    this.progress.value = 0;
    this.progress.setAttribute('aria-label', 'Search progress');
    this.percent = el('span', { className: 'search-percent', text: '0%' });
    const cancel = el('button', { text: 'Cancel', className: 'tool-button search-cancel' });
    cancel.type = 'button';
    cancel.title = 'Stop the search (Escape)';
    cancel.addEventListener('click', () => this.cancel());
    this.progressRow = el('div', { className: 'search-progress' }, [this.progress, this.percent, cancel]);
    this.progressRow.hidden = true;

    this.status = el('p', { className: 'search-status' });
    this.status.setAttribute('role', 'status');
    this.list = el('ol', { className: 'search-matches' });
    this.list.setAttribute('aria-label', 'Matches');

    this.element = el('section', { className: 'search-panel', data: { state: 'idle' } }, [form, this.progressRow, this.status, this.list]);
    this.element.setAttribute('aria-label', 'Search');
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.running) {
        event.preventDefault();
        event.stopPropagation();
        this.cancel();
      }
    });
    this.updatePlaceholder();
  }

  /** Puts the keyboard focus in the search box (Ctrl+F). */
  focus(): void {
    this.input.focus();
    this.input.select();
  }

  /** Stops a running search; the matches it found so far are shown. */
  cancel(): void {
    this.running?.cancel();
  }

  /** Searches from the cursor (wrapping to the start when nothing follows it) or from the start, and goes to the
   *  first match. */
  find(): void {
    const kind = this.patternKind();
    let encoded: EncodedPattern;
    try {
      encoded = encodeMaskedPattern(patternInput(this.input.value, kind, this.ignoreCase.checked));
    } catch (e) {
      this.setStatus(e instanceof Error ? e.message : String(e), 'error');
      return;
    }
    this.running?.cancel();
    const generation = ++this.generation;
    const cursorScope = this.options.scope();
    const scope = this.origin.value === 'start' ? { ...cursorScope, from: 0n } : cursorScope;
    const pattern = encoded.bytes;
    const key = this.queryKey(scope);
    const current = () => generation === this.generation;

    this.showProgress(0);
    this.setStatus(`searching from 0x${scope.from.toString(16)}…`, 'running');
    const search = searchWithWrap(this.options.dump, {
      space: scope.space,
      ...(scope.dtb !== undefined ? { dtb: scope.dtb } : {}),
      pattern,
      mask: encoded.mask,
      from: scope.from,
      ...(this.options.maxResults !== undefined ? { maxResults: this.options.maxResults } : {}),
    }, (phase, progress) => {
      if (!current()) return;
      if (phase === 'wrapped' && this.element.dataset.state !== 'wrapping') {
        this.setStatus(`no match after 0x${scope.from.toString(16)}; searching from the start…`, 'wrapping');
      }
      this.showProgress(progressPercent(progress));
    });
    this.running = search;
    search.results.then((outcome) => {
      if (!current()) return;
      this.running = null;
      this.progressRow.hidden = true;
      this.showMatches(key, outcome.matches, pattern.length, scope.space);
      this.setStatus(describeOutcome(outcome), outcome.cancelled ? 'cancelled' : 'done');
      if (!outcome.cancelled && outcome.matches.length > 0) this.select(0);
    }, (error: unknown) => {
      if (!current()) return;
      this.running = null;
      this.progressRow.hidden = true;
      this.setStatus(`the search failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
    });
  }

  /** Goes to the next match in the list, wrapping; searches first when the query changed since the list was made. */
  findNext(): void {
    const shown = this.shown;
    if (this.running) return;
    if (!shown || shown.matches.length === 0 || shown.key !== this.queryKey(this.options.scope())) {
      this.find();
      return;
    }
    const index = nextMatchIndex(shown.matches.length, shown.current);
    if (index !== null) this.select(index);
  }

  /** Goes to the match before in the list, wrapping; searches first when the query changed since. */
  findPrevious(): void {
    const shown = this.shown;
    if (this.running) return;
    if (!shown || shown.matches.length === 0 || shown.key !== this.queryKey(this.options.scope())) {
      this.find();
      return;
    }
    const index = previousMatchIndex(shown.matches.length, shown.current);
    if (index !== null) this.select(index);
  }

  private select(index: number): void {
    const shown = this.shown;
    const address = shown?.matches[index];
    if (!shown || address === undefined) return;
    if (shown.current !== null) shown.buttons[shown.current]?.removeAttribute('aria-current');
    shown.current = index;
    const button = shown.buttons[index];
    button?.setAttribute('aria-current', 'true');
    // The current match stays in view in the list (and the side column that holds it), beside the hex view that
    // shows its bytes.
    button?.scrollIntoView({ block: 'nearest' });
    if (shown.matches.length > 1) {
      this.status.textContent = `${this.statusText} (match ${index + 1} of ${shown.matches.length})`;
    }
    this.options.onMatch(address, shown.length);
  }

  private showMatches(key: string, matches: bigint[], length: number, space: AddressSpaceKind): void {
    const symbolize = space === 'virtual' ? this.options.symbolize : undefined;
    const buttons = matches.map((address, index) => {
      const button = el('button', { className: 'tool-button search-match mono', data: { match: toHex(address) } }, [
        el('span', { className: 'search-match-address', text: toHex(address) }),
      ]);
      button.type = 'button';
      const symbol = symbolize?.(address);
      if (symbol) button.append(el('span', { className: 'search-match-symbol', text: symbol }));
      button.addEventListener('click', () => this.select(index));
      return button;
    });
    this.list.replaceChildren(...buttons.map((b) => el('li', {}, [b])));
    this.list.setAttribute('aria-label', countMatches(matches.length));
    this.shown = { key, matches, length, buttons, current: null };
  }

  private setStatus(text: string, state: 'running' | 'wrapping' | 'done' | 'cancelled' | 'error'): void {
    this.statusText = text;
    this.status.textContent = text;
    this.status.classList.toggle('error', state === 'error');
    this.element.dataset.state = state;
  }

  private showProgress(percent: number): void {
    this.progressRow.hidden = false;
    this.progress.value = percent;
    this.percent.textContent = `${percent}%`;
  }

  private patternKind(): PatternKind {
    return isPatternKind(this.kind.value) ? this.kind.value : 'hex';
  }

  private updatePlaceholder(): void {
    const kind = this.patternKind();
    this.input.placeholder = PATTERN_KINDS.find((k) => k.kind === kind)?.placeholder ?? '';
  }

  /** What makes two searches the same: the pattern, its kind, the space. Not the cursor ("Find next" moves it). */
  private queryKey(scope: SearchScope): string {
    return JSON.stringify([this.patternKind(), this.input.value, this.ignoreCase.checked, this.origin.value, scope.space, scope.dtb?.toString(16) ?? null]);
  }
}
