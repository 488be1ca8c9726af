// A long table (a minidump's 1,831 data blocks) without 1,831 rows in the page: the rows are built only for what is
// in view, inside a scroll box of its own, between two spacer rows that keep the scrollbar true. Rows have one fixed
// height (VIRTUAL_ROW_HEIGHT, also in panels.css), so the first row in view is scrollTop / height.
import { el } from '../views/dom';

/** Tables longer than this are virtualised; shorter ones are plain (all rows in the page). */
export const VIRTUALIZE_FROM = 200;
export const VIRTUAL_ROW_HEIGHT = 28;
/** Rows built above and below the view, so a fast scroll shows no blank. */
const OVERSCAN = 20;

/** Which rows to build for a scroll position: [first, end). Pure, for tests. */
export function visibleRange(scrollTop: number, viewHeight: number, count: number, rowHeight = VIRTUAL_ROW_HEIGHT): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const end = Math.min(count, Math.ceil((scrollTop + viewHeight) / rowHeight) + OVERSCAN);
  return [first, Math.max(first, end)];
}

/** A scroll box with a table of `count` rows; `makeRow(i)` builds row i when it comes into view. */
export function virtualTable(headers: readonly string[], count: number, makeRow: (index: number) => HTMLTableRowElement, options: { className?: string; numeric?: readonly number[] } = {}): HTMLElement {
  const head = el('tr', {}, headers.map((h, i) => {
    const th = el('th', { text: h, className: options.numeric?.includes(i) ? 'num' : undefined });
    th.scope = 'col';
    return th;
  }));
  const spacer = () => {
    const td = el('td');
    td.colSpan = headers.length;
    return el('tr', { className: 'virtual-spacer' }, [td]);
  };
  const above = spacer();
  const below = spacer();
  const body = el('tbody', {}, [above, below]);
  const table = el('table', { className: `data-table virtual-table ${options.className ?? ''}`.trim() }, [el('thead', {}, [head]), body]);
  const box = el('div', { className: 'virtual-scroll', data: { rows: String(count) } }, [table]);
  box.tabIndex = 0;
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', `${count} rows; scroll to see more`);
  const built = new Map<number, HTMLTableRowElement>();
  let shown: [number, number] = [0, 0];
  const render = () => {
    // Before layout (a hidden tab) the box has no height yet: build one screenful.
    const height = box.clientHeight || 600;
    const [first, end] = visibleRange(box.scrollTop, height, count);
    if (first === shown[0] && end === shown[1]) return;
    shown = [first, end];
    const rows: HTMLTableRowElement[] = [];
    for (let i = first; i < end; ++i) {
      let row = built.get(i);
      if (!row) {
        row = makeRow(i);
        row.dataset.index = String(i);
        built.set(i, row);
      }
      rows.push(row);
    }
    // Keep only the rows near the view: memory stays bounded however far the user scrolls.
    for (const i of built.keys()) if (i < first - 4 * OVERSCAN || i >= end + 4 * OVERSCAN) built.delete(i);
    (above.firstElementChild as HTMLElement).style.height = `${first * VIRTUAL_ROW_HEIGHT}px`;
    (below.firstElementChild as HTMLElement).style.height = `${(count - end) * VIRTUAL_ROW_HEIGHT}px`;
    above.hidden = first === 0;
    below.hidden = end === count;
    body.replaceChildren(above, ...rows, below);
  };
  let pending = false;
  box.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
    });
  });
  new ResizeObserver(() => render()).observe(box);
  render();
  return box;
}
