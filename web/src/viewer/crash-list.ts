// Several dumps at once: a table of crashes like BlueScreenView's (file, crash time, bug check, culprit driver...),
// sortable by any column; a click on a file opens it. Each dump is opened only long enough to read its summary.
import type { Summary } from '../summary';
import { formatBytes, formatUtc } from '../format';
import { el } from '../views/dom';

/** One dropped file: its summary, or why it could not be read. */
export interface CrashListEntry {
  file: File;
  summary?: Summary;
  error?: { code: string; message: string };
}

interface Column {
  id: string;
  label: string;
  /** The text shown; sorting compares `key` (default the text). */
  text(entry: CrashListEntry): string;
  key?(entry: CrashListEntry): string | number;
  mono?: boolean;
}

// The culprit comes right after the bug check (BlueScreenView puts it after the parameters): on a laptop screen the
// columns after the first few are scrolled to, and the driver to blame is what the table is read for.
const COLUMNS: Column[] = [
  { id: 'file', label: 'Dump file', text: (e) => e.file.name },
  {
    id: 'time', label: 'Crash time (UTC)',
    text: (e) => (e.summary?.header.systemTime ? formatUtc(e.summary.header.systemTime) : ''),
    key: (e) => e.summary?.header.systemTime ?? '',
  },
  { id: 'bugcheck', label: 'Bug check', text: (e) => e.summary?.bugcheck.name ?? (e.error ? `Not readable: ${e.error.message}` : '') },
  { id: 'code', label: 'Code', text: (e) => e.summary?.bugcheck.code ?? '', key: (e) => Number(e.summary?.bugcheck.code ?? -1), mono: true },
  { id: 'driver', label: 'Caused by driver', text: (e) => e.summary?.culprit?.module ?? '' },
  {
    id: 'address', label: 'Caused by address', mono: true,
    text: (e) => (e.summary?.culprit ? `${e.summary.culprit.module}+${e.summary.culprit.offset}` : ''),
  },
  ...[0, 1, 2, 3].map((i): Column => ({ id: `parameter${i + 1}`, label: `Parameter ${i + 1}`, text: (e) => e.summary?.bugcheck.parameters[i] ?? '', mono: true })),
  { id: 'type', label: 'Dump type', text: (e) => (e.summary ? `${e.summary.header.dumpTypeName} (${e.summary.header.machineName})` : '') },
  { id: 'build', label: 'Build', text: (e) => (e.summary ? String(e.summary.header.minorVersion) : ''), key: (e) => e.summary?.header.minorVersion ?? 0 },
  { id: 'size', label: 'File size', text: (e) => formatBytes(e.file.size), key: (e) => e.file.size },
];

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** The table; `onOpen` runs when the user picks a file. Newest crash first, as BlueScreenView does. */
export function renderCrashList(entries: CrashListEntry[], onOpen: (entry: CrashListEntry) => void): HTMLElement {
  const headerCells = COLUMNS.map((column) => {
    const button = el('button', { className: 'sort-button', text: column.label });
    button.type = 'button';
    const th = el('th', { data: { column: column.id } }, [button]);
    th.scope = 'col';
    return th;
  });
  const rows = entries.map((entry) => {
    // A file that could not be read: its reason spans the columns it has no value for, and wraps, instead of
    // widening the bug check column until the culprit scrolls off the screen.
    const columns = entry.summary ? COLUMNS : COLUMNS.filter((c) => ['file', 'time', 'bugcheck', 'size'].includes(c.id));
    const cells = columns.map((column) => {
      if (column.id === 'bugcheck' && !entry.summary) {
        const reason = el('td', { className: 'crash-error-reason', text: column.text(entry), data: { field: column.id } });
        reason.colSpan = COLUMNS.length - 3;
        return reason;
      }
      if (column.id !== 'file') return el('td', { text: column.text(entry), className: column.mono ? 'mono' : undefined, data: { field: column.id } });
      const open = el('button', { className: 'link-button', text: entry.file.name });
      open.type = 'button';
      open.disabled = entry.summary === undefined;
      open.addEventListener('click', () => onOpen(entry));
      return el('td', { data: { field: 'file' } }, [open]);
    });
    return { entry, row: el('tr', { className: entry.error ? 'crash-row-error' : undefined }, cells) };
  });
  const body = el('tbody');
  let sortedBy = 'time';
  let ascending = false;
  const sort = () => {
    const column = COLUMNS.find((c) => c.id === sortedBy)!;
    const key = column.key ?? column.text;
    rows.sort((a, b) => (ascending ? 1 : -1) * compare(key(a.entry), key(b.entry)));
    body.replaceChildren(...rows.map((r) => r.row));
    for (const th of headerCells) {
      th.setAttribute('aria-sort', th.dataset.column === sortedBy ? (ascending ? 'ascending' : 'descending') : 'none');
    }
  };
  headerCells.forEach((th) => th.querySelector('button')!.addEventListener('click', () => {
    ascending = sortedBy === th.dataset.column ? !ascending : true;
    sortedBy = th.dataset.column!;
    sort();
  }));
  sort();
  const readable = entries.filter((e) => e.summary).length;
  return el('section', { className: 'crash-list', data: { view: 'crash-list' } }, [
    el('h2', { text: `${entries.length} dump files, ${readable} readable` }),
    el('p', { className: 'muted', text: 'Pick a file to open it. Click a column heading to sort.' }),
    el('div', { className: 'table-scroll' }, [el('table', { className: 'data-table' }, [el('thead', {}, [el('tr', {}, headerCells)]), body])]),
  ]);
}
