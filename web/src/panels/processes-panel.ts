// Every process of the dump (PsActiveProcessHead): filter by name, path or PID, sort by any column, the crashing
// process marked. A process's name opens its address space in the hex view (its own DirectoryTableBase, at its PEB);
// selecting its row (or its thread count) shows its threads and its user modules below the table, a module's base
// opening that address space at the module. Where each structure offset came from closes the page.
import { formatUtc } from '../format';
import type { SummaryProcess } from '../summary';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { PROCESS_COLUMNS, type ProcessColumn, processMatches, sortProcesses } from './process-table';
import { sortableHeaders } from './sortable-headers';
import { block, breakablePath, cell, dataTable, emptyNote, hexButton, panelPage, row, symbolLabel, virtualButton } from './ui';

const COLUMN_TITLES: Record<ProcessColumn, string> = {
  pid: 'PID', name: 'Name', parentPid: 'Parent', sessionId: 'Session', threads: 'Threads', createTime: 'Started (UTC)',
  exitTime: 'Exited (UTC)', wow64: 'WoW64', directoryTableBase: 'DirectoryTableBase', imagePath: 'Image path',
};

function number(v: number | null): string {
  return v === null ? '' : String(v);
}

function isCrashing(context: ViewerContext, p: SummaryProcess): boolean {
  const crashing = context.summary.crashingProcess;
  return crashing !== null && BigInt(crashing.address) === BigInt(p.address);
}

/** The process's address space in the hex view: at its PEB (user memory) when known, else its EPROCESS. */
function openSpace(context: ViewerContext, p: SummaryProcess): HTMLButtonElement {
  const address = BigInt(p.peb ?? p.address);
  const location = p.directoryTableBase === null
    ? { space: 'virtual' as const, address }
    : { space: 'virtual' as const, address, dtb: BigInt(p.directoryTableBase) };
  const button = hexButton(context, location, p.name || '(no name)', 'processName');
  button.title = `Show ${p.name}'s address space in the hex view (DTB ${p.directoryTableBase ?? 'unknown'}, at its ${p.peb ? 'PEB' : 'EPROCESS'})`;
  return button;
}

function threadsTable(context: ViewerContext, p: SummaryProcess): HTMLElement {
  const crashingThread = context.summary.crashingThread;
  const rows = p.threads.map((t) => {
    const crashed = crashingThread !== null && BigInt(crashingThread.address) === BigInt(t.address);
    const start = t.startAddress ? [virtualButton(context, t.startAddress, undefined, 'threadStart'), ' ', symbolLabel(context, t.startAddress)] : '';
    const win32 = t.win32StartAddress ? [virtualButton(context, t.win32StartAddress, undefined, 'threadWin32Start'), ' ', symbolLabel(context, t.win32StartAddress)] : '';
    return row([
      cell(number(t.tid), { field: 'threadTid', className: 'num', header: true }),
      cell(t.stateName || (t.state === null ? '' : String(t.state)), { field: 'threadState' }),
      cell(virtualButton(context, t.address, undefined, 'threadAddress'), { mono: true }),
      cell(start, { mono: true }),
      cell(win32, { mono: true }),
      cell(t.teb ?? '', { field: 'threadTeb', mono: true }),
    ], { tid: number(t.tid) }, crashed ? 'culprit-row' : undefined);
  });
  const heading = `Threads of ${p.name || p.address} (${p.threads.length})`;
  if (rows.length === 0) return block(heading, [emptyNote('No threads are listed for this process.')], 'process-threads');
  return block(heading, [dataTable(['TID', 'State', 'ETHREAD', 'Start address', 'Win32 start address', 'TEB'], rows, { className: 'thread-table', numeric: [0] })], 'process-threads');
}

/** The process's user modules; a name opens the process's address space at the module. */
function modulesTable(context: ViewerContext, p: SummaryProcess): HTMLElement {
  const dtb = p.directoryTableBase === null ? undefined : BigInt(p.directoryTableBase);
  const rows = p.modules.map((m) => {
    const name = hexButton(context, { space: 'virtual', address: BigInt(m.base), ...(dtb === undefined ? {} : { dtb }) }, m.name, 'processModuleName');
    return row([
      cell(name, { header: true }),
      cell(m.base, { field: 'processModuleBase', mono: true }),
      cell(m.size, { field: 'processModuleSize', mono: true, className: 'num' }),
      cell(m.kind === 'user32' ? '32-bit (WoW64)' : 'native', { field: 'processModuleKind' }),
      cell(breakablePath(m.path), { field: 'processModulePath', className: 'path' }),
    ], { module: m.name });
  });
  const heading = `Modules of ${p.name || p.address} (${p.modules.length})`;
  const notes = p.moduleWarnings.map((w) => el('p', { className: 'note', text: w.message, data: { field: 'processModuleWarning' } }));
  if (rows.length === 0) {
    const why = p.peb === null || BigInt(p.peb) === 0n ? 'This process has no PEB, so no user modules.' : 'No user modules could be read for this process.';
    return block(heading, [emptyNote(why), ...notes], 'process-modules');
  }
  return block(heading, [dataTable(['Name', 'Base', 'Size', 'Kind', 'Path'], rows, { className: 'process-module-table', numeric: [2] }), ...notes], 'process-modules');
}

function processRow(context: ViewerContext, p: SummaryProcess, showThreads: (p: SummaryProcess) => void): HTMLTableRowElement {
  const crashing = isCrashing(context, p);
  const name: Node[] = [openSpace(context, p)];
  if (crashing) name.push(el('span', { className: 'badge badge-culprit', text: 'crashed' }));
  const threads = el('button', { className: 'address-button', text: String(p.threads.length), data: { field: 'processThreads' } });
  threads.type = 'button';
  threads.title = `List the threads of ${p.name}`;
  threads.addEventListener('click', () => showThreads(p));
  const tr = row([
    cell(number(p.pid), { field: 'processPid', className: 'num' }),
    cell(name, { header: true }),
    cell(number(p.parentPid), { field: 'processParent', className: 'num' }),
    cell(number(p.sessionId), { field: 'processSession', className: 'num' }),
    cell(threads, { className: 'num' }),
    cell(p.createTime ? formatUtc(p.createTime) : '', { field: 'processCreated', className: 'nowrap' }),
    cell(p.exitTime ? formatUtc(p.exitTime) : '', { field: 'processExited', className: 'nowrap' }),
    cell(p.wow64 === null ? '' : p.wow64 ? 'yes' : 'no', { field: 'processWow64' }),
    cell(p.directoryTableBase ?? '', { field: 'processDtb', mono: true }),
    cell(breakablePath(p.imagePath), { field: 'processPath', className: 'path' }),
  ], { pid: number(p.pid), process: p.address }, crashing ? 'culprit-row' : undefined);
  // A click anywhere in the row but on its buttons selects it.
  tr.addEventListener('click', (event) => {
    if (!(event.target instanceof Element) || event.target.closest('button') === null) showThreads(p);
  });
  return tr;
}

function offsetsBlock(context: ViewerContext): HTMLElement {
  const { kernelOffsets } = context.summary;
  const rows = kernelOffsets.fields.map((f) => row([
    cell(f.field, { header: true }),
    cell(f.offset, { mono: true, className: 'num' }),
    cell(f.source, { field: 'offsetSource' }),
  ], { field: f.field }));
  const sources = el('ul', { className: 'offset-sources' }, kernelOffsets.sources.map((s) => el('li', { text: s })));
  return el('details', { className: 'panel-block process-offsets' }, [
    el('summary', { text: 'Where the structure offsets came from' }),
    sources,
    dataTable(['Field', 'Offset', 'Source'], rows, { numeric: [1] }),
  ]);
}

export const processesPanel: Panel = {
  id: 'processes',
  title: 'Processes',
  available: (summary) => summary.processes.length > 0,
  render(context) {
    const processes = context.summary.processes;
    const page = panelPage('processes', 'Processes', 'Every process in the kernel\'s process list. Click a name to see its address space (its own page tables) in the hex view; select a row to list its threads and its user modules.');
    const search = el('input', { className: 'tool-input process-search', data: { field: 'processSearch' } });
    search.type = 'search';
    search.placeholder = 'Filter by name, path or PID';
    search.setAttribute('aria-label', 'Filter processes by name, path or PID');
    const count = el('span', { className: 'module-count', data: { field: 'processCount' } });
    const threadsArea = el('div', { className: 'process-threads-area' });
    const showThreads = (p: SummaryProcess) => {
      threadsArea.replaceChildren(threadsTable(context, p), modulesTable(context, p));
      for (const [i, other] of processes.entries()) rows[i]?.classList.toggle('selected-row', other === p);
    };

    const rows = processes.map((p) => processRow(context, p, showThreads));
    const tbody = el('tbody', {}, rows);
    const { headers, apply: applySort } = sortableHeaders(PROCESS_COLUMNS, COLUMN_TITLES, { column: 'pid', direction: 'ascending' }, (sort) =>
      tbody.append(...sortProcesses(processes, sort.column, sort.direction).map((i) => rows[i]!)));

    function applyFilter(): void {
      let shown = 0;
      processes.forEach((p, i) => {
        const match = processMatches(p, search.value);
        rows[i]!.hidden = !match;
        if (match) ++shown;
      });
      count.textContent = shown === processes.length ? `${processes.length} processes` : `${shown} of ${processes.length} processes`;
    }

    search.addEventListener('input', applyFilter);
    applySort();
    applyFilter();
    const crashing = processes.find((p) => isCrashing(context, p));
    if (crashing) showThreads(crashing);

    const table = el('table', { className: 'data-table process-table' }, [el('thead', {}, [el('tr', {}, headers)]), tbody]);
    page.append(
      el('div', { className: 'panel-toolbar' }, [search, count]),
      el('div', { className: 'panel-scroll module-scroll' }, [table]),
      threadsArea,
      offsetsBlock(context),
    );
    return page;
  },
};
