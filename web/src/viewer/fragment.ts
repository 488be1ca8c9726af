// The URL fragment keeps the view and the hex location, so a link (or a reload) reopens the same place once the dump
// is dropped again: "#view=hex&space=virtual&address=0xfffff80312340000&dtb=0x1ad000&length=16&width=32" (and
// "&cursor=0x..." when the cursor sits on the selection's last byte rather than its first).
// Bookmarks of the hex view ride along with every view: "&bm=virtual:0x...:4:name" (hex/bookmarks.ts).
// The fragment never names the file: a link must not leak what was opened.
import { isHex } from '../hex';
import { formatBookmark, MAX_BOOKMARKS, parseBookmark, type Bookmark } from '../hex/bookmarks';
import { PANEL_IDS, type AddressSpaceKind, type HexLocation, type PanelId } from './context';

export interface ViewState {
  view: PanelId;
  /** The hex view's place (view "hex" only). */
  hex?: HexLocation & { bytesPerRow?: 16 | 32 };
  /** The hex view's bookmarks, whatever the view. */
  bookmarks?: Bookmark[];
}

const SPACES: readonly AddressSpaceKind[] = ['file', 'physical', 'virtual'];

/** The state a fragment names; null when it names nothing we know (an empty or foreign fragment). */
export function parseFragment(fragment: string): ViewState | null {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const view = params.get('view');
  if (!view || !(PANEL_IDS as readonly string[]).includes(view)) return null;
  const bookmarks = params.getAll('bm').slice(0, MAX_BOOKMARKS).map(parseBookmark).filter((b): b is Bookmark => b !== null);
  const withBookmarks = <T extends ViewState>(state: T): T => (bookmarks.length ? { ...state, bookmarks } : state);
  if (view !== 'hex') return withBookmarks({ view: view as PanelId });
  const space = params.get('space') ?? 'file';
  const address = params.get('address') ?? '0x0';
  if (!(SPACES as readonly string[]).includes(space) || !isHex(address)) return withBookmarks({ view: 'hex' });
  const hex: NonNullable<ViewState['hex']> = { space: space as AddressSpaceKind, address: BigInt(address) };
  const dtb = params.get('dtb');
  if (dtb && isHex(dtb)) hex.dtb = BigInt(dtb);
  const length = Number(params.get('length'));
  if (Number.isSafeInteger(length) && length > 0) hex.length = length;
  const cursor = params.get('cursor');
  if (hex.length && cursor && isHex(cursor)) hex.cursor = BigInt(cursor);
  const width = params.get('width');
  if (width === '16' || width === '32') hex.bytesPerRow = Number(width) as 16 | 32;
  return withBookmarks({ view: 'hex', hex });
}

/** "#view=..." for a state (the inverse of parseFragment). */
export function formatFragment(state: ViewState): string {
  const params = new URLSearchParams({ view: state.view });
  const hex = state.hex;
  if (state.view === 'hex' && hex) {
    params.set('space', hex.space);
    params.set('address', `0x${hex.address.toString(16)}`);
    if (hex.dtb !== undefined) params.set('dtb', `0x${hex.dtb.toString(16)}`);
    if (hex.length) params.set('length', String(hex.length));
    if (hex.length && hex.cursor !== undefined && hex.cursor !== hex.address) params.set('cursor', `0x${hex.cursor.toString(16)}`);
    if (hex.bytesPerRow) params.set('width', String(hex.bytesPerRow));
  }
  for (const b of state.bookmarks ?? []) params.append('bm', formatBookmark(b));
  return `#${params.toString()}`;
}
