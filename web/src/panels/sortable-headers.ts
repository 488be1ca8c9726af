// The column headers of a sortable table (modules, processes): each header is a button; a click sorts by its column,
// a second click on the same column reverses the order, and aria-sort marks the sorted column for screen readers.
import { el } from '../views/dom';

export type SortDirection = 'ascending' | 'descending';
export interface SortOrder<C extends string> {
  column: C;
  direction: SortDirection;
}

/** The header cells, and `apply` to (re)order the rows by the current sort: call it once after building the rows.
 *  `reorder` puts the rows in the given order (the table's own sort function). */
export function sortableHeaders<C extends string>(
  columns: readonly C[],
  titles: Readonly<Record<C, string>>,
  initial: SortOrder<C>,
  reorder: (order: SortOrder<C>) => void,
): { headers: HTMLTableCellElement[]; apply: () => void } {
  let sort = initial;
  const headers = columns.map((column) => {
    const button = el('button', { className: 'sort-button', text: titles[column] });
    button.type = 'button';
    const th = el('th', { data: { column } }, [button]);
    th.scope = 'col';
    button.addEventListener('click', () => {
      const direction = sort.column === column && sort.direction === 'ascending' ? 'descending' : 'ascending';
      sort = { column, direction };
      apply();
    });
    return th;
  });
  function apply(): void {
    for (const th of headers) {
      if (th.dataset['column'] === sort.column) th.setAttribute('aria-sort', sort.direction);
      else th.removeAttribute('aria-sort');
    }
    reorder(sort);
  }
  return { headers, apply };
}
