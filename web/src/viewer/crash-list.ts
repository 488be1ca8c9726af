// Several dumps at once: an overview (top culprits, top bug checks, crashes over time; each bar filters), then a
// table of crashes like BlueScreenView's, sortable by any column, columns the user can hide, exported as CSV or
// JSON; a click on a file opens it. Long file names are shortened in the middle, the whole name on hover.
import { el } from '../views/dom';
import { downloadText } from './clipboard';
import { CRASH_COLUMNS, crashTableCsv, crashTableJson, offeredColumns, type CrashColumn, type CrashListEntry } from './crash-columns';
import { countsByMonth, facetValue, renderOverview, type CrashFilter } from './crash-overview';

export type { CrashListEntry } from './crash-columns';

/** What the user set on the table; kept by the viewer so Back to the table finds it as it was left. */
export interface CrashTableState {
  sortedBy: string;
  ascending: boolean;
  hidden: Set<string>;
  filter: CrashFilter | null;
}

export function initialTableState(): CrashTableState {
  return { sortedBy: 'time', ascending: false, hidden: new Set(CRASH_COLUMNS.filter((c) => c.hiddenByDefault).map((c) => c.id)), filter: null };
}

/** The longest file name shown before the middle is cut out. */
const MAX_FILE_NAME = 36;

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function cellFor(column: CrashColumn, entry: CrashListEntry, onOpen: (entry: CrashListEntry) => void): HTMLTableCellElement {
  if (column.id !== 'file') {
    return el('td', { text: column.text(entry), className: column.mono ? 'mono' : undefined, cap: { max: 64 }, data: { field: column.id } });
  }
  const open = el('button', { className: 'link-button', text: entry.name, cap: { max: MAX_FILE_NAME, at: 'middle' } });
  open.type = 'button';
  open.disabled = entry.summary === undefined;
  open.addEventListener('click', () => onOpen(entry));
  return el('td', { data: { field: 'file' } }, [open]);
}

function columnMenu(columns: CrashColumn[], state: CrashTableState, onChange: () => void): HTMLElement {
  const items = columns.filter((c) => c.id !== 'file').map((column) => {
    const box = el('input');
    box.type = 'checkbox';
    box.checked = !state.hidden.has(column.id);
    box.dataset.column = column.id;
    box.addEventListener('change', () => {
      if (box.checked) state.hidden.delete(column.id);
      else state.hidden.add(column.id);
      onChange();
    });
    return el('label', { className: 'column-choice' }, [box, el('span', { text: column.label })]);
  });
  const menu = el('details', { className: 'column-menu', data: { role: 'column-menu' } }, [
    el('summary', { className: 'button secondary', text: 'Columns' }),
    el('div', { className: 'column-menu-list' }, items),
  ]);
  return menu;
}

/** The overview and the table; `onOpen` runs when the user picks a file. Newest crash first, as BlueScreenView. */
export function renderCrashList(entries: CrashListEntry[], state: CrashTableState, onOpen: (entry: CrashListEntry) => void, host: HTMLElement): HTMLElement {
  const offered = offeredColumns(entries);
  const byMonth = countsByMonth(entries);
  const section = el('section', { className: 'crash-list', data: { view: 'crash-list' } });
  const filterLine = el('p', { className: 'crash-filter', data: { role: 'filter' } });
  const tableBox = el('div', { className: 'table-scroll' });
  const count = el('span', { className: 'muted', data: { field: 'shownCount' } });

  const shownEntries = (): CrashListEntry[] => {
    const filter = state.filter;
    const kept = filter ? entries.filter((e) => facetValue(e, filter.facet, byMonth) === filter.value) : [...entries];
    const column = offered.find((c) => c.id === state.sortedBy) ?? offered[0]!;
    const key = column.key ?? column.text;
    return kept.sort((a, b) => (state.ascending ? 1 : -1) * compare(key(a), key(b)));
  };
  const visibleColumns = () => offered.filter((c) => c.id === 'file' || !state.hidden.has(c.id));

  const renderTable = () => {
    const columns = visibleColumns();
    const headerCells = columns.map((column) => {
      const button = el('button', { className: 'sort-button', text: column.label });
      button.type = 'button';
      button.addEventListener('click', () => {
        state.ascending = state.sortedBy === column.id ? !state.ascending : true;
        state.sortedBy = column.id;
        renderTable();
      });
      const th = el('th', { data: { column: column.id } }, [button]);
      th.scope = 'col';
      th.setAttribute('aria-sort', column.id === state.sortedBy ? (state.ascending ? 'ascending' : 'descending') : 'none');
      return th;
    });
    const shown = shownEntries();
    const rows = shown.map((entry) => {
      // A file that could not be read: its reason spans the columns it has no value for, and wraps, instead of
      // widening the bug check column until the culprit scrolls off the screen.
      if (!entry.summary) {
        const reason = el('td', { className: 'crash-error-reason', text: CRASH_COLUMNS.find((c) => c.id === 'bugcheck')!.text(entry), data: { field: 'bugcheck' } });
        reason.colSpan = Math.max(1, columns.length - 1);
        return el('tr', { className: 'crash-row-error' }, [cellFor(columns[0]!, entry, onOpen), reason]);
      }
      return el('tr', {}, columns.map((column) => cellFor(column, entry, onOpen)));
    });
    tableBox.replaceChildren(el('table', { className: 'data-table crash-table' }, [el('thead', {}, [el('tr', {}, headerCells)]), el('tbody', {}, rows)]));
    count.textContent = shown.length === entries.length ? '' : `${shown.length} of ${entries.length} shown`;
    filterLine.replaceChildren();
    if (state.filter) {
      const clear = el('button', { className: 'link-button', text: 'Show all', data: { action: 'clear-filter' } });
      clear.type = 'button';
      clear.addEventListener('click', () => {
        state.filter = null;
        renderTable();
      });
      filterLine.append(el('span', { text: `Only the dumps ${state.filter.label}: ${shown.length} of ${entries.length}. ` }), clear);
    }
    filterLine.hidden = !state.filter;
  };

  const exportCsv = el('button', { className: 'button secondary', text: 'Export CSV', data: { action: 'export-csv' } });
  exportCsv.type = 'button';
  exportCsv.addEventListener('click', () => downloadText(crashTableCsv(shownEntries(), visibleColumns()), 'crashes.csv', 'text/csv', host));
  const exportJson = el('button', { className: 'button secondary', text: 'Export JSON', data: { action: 'export-table-json' } });
  exportJson.type = 'button';
  exportJson.addEventListener('click', () => downloadText(crashTableJson(shownEntries()), 'crashes.json', 'application/json', host));

  const readable = entries.filter((e) => e.summary).length;
  const overview = renderOverview(entries.filter((e) => e.summary), (filter) => {
    state.filter = filter;
    renderTable();
    tableBox.scrollIntoView?.({ block: 'nearest' });
  });
  section.append(
    el('div', { className: 'crash-list-heading' }, [
      el('h2', { text: `${entries.length} dump files, ${readable} readable` }),
      el('div', { className: 'dump-actions' }, [count, columnMenu(offered, state, renderTable), exportCsv, exportJson]),
    ]),
    overview,
    el('p', { className: 'muted', text: 'Pick a file to open it. Click a column heading to sort, a bar to show only its dumps.' }),
    filterLine,
    tableBox,
  );
  renderTable();
  return section;
}
