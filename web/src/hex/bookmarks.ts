// Bookmarks of the hex view: a name for an address or a selection in one space, listed beside the view, kept in the
// link ("&bm=virtual:0xfffff8031234abcd:4:the%20culprit", one per bookmark) and in the exported summary. The name is
// the user's own text, shown as text and capped like any other.
import { el } from '../views/dom';
import type { AddressSpaceKind, HexLocation } from '../viewer/context';
import { isHex } from '../hex';
import { hexAddress } from './hex-format';

export interface Bookmark {
  name: string;
  space: AddressSpaceKind;
  address: bigint;
  /** Bytes selected; 0 for a place. */
  length: number;
  /** The page tables of a virtual bookmark, when not the header's. */
  dtb?: bigint;
}

/** The most bookmarks a link carries, and the longest name: a link stays a link. */
export const MAX_BOOKMARKS = 100;
export const MAX_BOOKMARK_NAME = 80;

const SPACES: readonly AddressSpaceKind[] = ['file', 'physical', 'virtual'];

/** "virtual:0xabc:4:name" (with ":dtb=0x..." before the name when set); the name may hold colons. */
export function formatBookmark(b: Bookmark): string {
  const dtb = b.dtb !== undefined ? `dtb=0x${b.dtb.toString(16)}:` : '';
  return `${b.space}:0x${b.address.toString(16)}:${b.length}:${dtb}${b.name}`;
}

/** The inverse of formatBookmark; null for anything malformed (a link is user input). */
export function parseBookmark(text: string): Bookmark | null {
  const match = /^(file|physical|virtual):(0x[0-9a-f]{1,16}):(\d{1,9}):(?:dtb=(0x[0-9a-f]{1,16}):)?(.*)$/is.exec(text);
  if (!match || !SPACES.includes(match[1] as AddressSpaceKind) || !isHex(match[2]!)) return null;
  const bookmark: Bookmark = { space: match[1] as AddressSpaceKind, address: BigInt(match[2]!), length: Number(match[3]), name: match[5]!.slice(0, MAX_BOOKMARK_NAME) };
  if (match[4]) bookmark.dtb = BigInt(match[4]);
  return bookmark;
}

/** For the exported summary: addresses as "0x..." strings, as everywhere in the JSON. */
export function bookmarkJson(b: Bookmark): { name: string; space: AddressSpaceKind; address: string; length: number; dtb?: string } {
  return { name: b.name, space: b.space, address: `0x${b.address.toString(16)}`, length: b.length, ...(b.dtb !== undefined ? { dtb: `0x${b.dtb.toString(16)}` } : {}) };
}

export interface BookmarkPanelOptions {
  /** Where a new bookmark goes: the selection, else the cursor. */
  current(): HexLocation;
  onGo(bookmark: Bookmark): void;
  /** After every change (the viewer rewrites the link). */
  onChange(bookmarks: readonly Bookmark[]): void;
}

/** The list beside the hex view: a name box and "Bookmark", then one row per bookmark (go, remove). */
export class BookmarkPanel {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLOListElement;
  private bookmarks: Bookmark[] = [];

  constructor(private readonly options: BookmarkPanelOptions) {
    this.input = el('input', { className: 'tool-input bookmark-name', data: { role: 'bookmark-name' } });
    this.input.type = 'text';
    this.input.maxLength = MAX_BOOKMARK_NAME;
    this.input.placeholder = 'Name (optional)';
    this.input.setAttribute('aria-label', 'Bookmark name');
    const add = el('button', { className: 'tool-button', text: 'Bookmark', data: { action: 'add-bookmark' } });
    add.type = 'submit';
    add.title = 'Name the cursor or the selection (B from the hex view)';
    const form = el('form', { className: 'bookmark-form' }, [this.input, add]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.addCurrent(this.input.value);
      this.input.value = '';
    });
    this.list = el('ol', { className: 'bookmark-list', data: { role: 'bookmarks' } });
    this.element = el('section', { className: 'bookmark-panel' }, [el('h3', { className: 'bookmark-title', text: 'Bookmarks' }), form, this.list]);
    this.element.setAttribute('aria-label', 'Bookmarks');
    this.render();
  }

  /** Puts the focus in the name box (B). */
  focus(): void {
    this.input.focus();
  }

  all(): readonly Bookmark[] {
    return this.bookmarks;
  }

  /** Replaces the list (from a link); does not call onChange. */
  set(bookmarks: readonly Bookmark[]): void {
    this.bookmarks = bookmarks.slice(0, MAX_BOOKMARKS);
    this.render();
  }

  addCurrent(name: string): void {
    if (this.bookmarks.length >= MAX_BOOKMARKS) return;
    const at = this.options.current();
    const bookmark: Bookmark = {
      name: name.trim().slice(0, MAX_BOOKMARK_NAME) || `${at.space} ${hexAddress(at.address)}`,
      space: at.space,
      address: at.address,
      length: at.length ?? 0,
      ...(at.dtb !== undefined ? { dtb: at.dtb } : {}),
    };
    this.bookmarks = [...this.bookmarks, bookmark];
    this.render();
    this.options.onChange(this.bookmarks);
  }

  private remove(index: number): void {
    this.bookmarks = this.bookmarks.filter((_, i) => i !== index);
    this.render();
    this.options.onChange(this.bookmarks);
  }

  private render(): void {
    this.list.replaceChildren(...this.bookmarks.map((b, i) => {
      const go = el('button', { className: 'link-button bookmark-go', data: { bookmark: String(i) } }, [
        el('span', { className: 'bookmark-label', text: b.name, cap: { max: 40 } }),
        el('span', { className: 'bookmark-where mono', text: `${b.space} ${hexAddress(b.address)}${b.length ? ` (${b.length} bytes)` : ''}` }),
      ]);
      go.type = 'button';
      go.addEventListener('click', () => this.options.onGo(b));
      const remove = el('button', { className: 'tool-button bookmark-remove', text: '×' });
      remove.type = 'button';
      remove.setAttribute('aria-label', `Remove the bookmark ${b.name}`);
      remove.addEventListener('click', () => this.remove(i));
      return el('li', {}, [go, remove]);
    }));
    if (this.bookmarks.length === 0) this.list.append(el('li', { className: 'muted bookmark-empty', text: 'None yet: name the cursor or a selection.' }));
  }
}
