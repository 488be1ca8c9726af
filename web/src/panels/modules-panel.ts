// Kernel and user modules in one table: filter by name, path or kind, sort by any column, the culprit marked. The
// rows are built once; sorting moves them and filtering hides them, so hundreds of modules stay fast.
import { toHex } from '../hex';
import type { SummaryModule } from '../summary';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { describeLinkTime, moduleKindLabel } from './describe';
import { MODULE_COLUMNS, type ModuleColumn, type ModuleFilter, moduleMatches, pdbId, sortModules, symbolSource } from './module-table';
import { sortableHeaders } from './sortable-headers';
import { breakablePath, cell, emptyNote, MAX_NAME, panelPage, row, virtualButton } from './ui';
import { visibleText } from '../views/safe-text';

const COLUMN_TITLES: Record<ModuleColumn, string> = {
  name: 'Name', base: 'Base', end: 'End', size: 'Size', timestamp: 'Timestamp (UTC)', checksum: 'Checksum', kind: 'Kind',
  symbols: 'Symbols', pdb: 'PDB', pdbId: 'PDB GUID/age', version: 'Version', path: 'Path',
};

const SYMBOL_SOURCES = {
  pdb: 'Named from the module\'s PDB (functions and their lengths)',
  exports: 'Named from the image\'s export table only (WinDbg\'s export symbols): an address is named after the closest export before it',
  none: 'No symbols: module+offset only. Add the PDB (or the image, for a module whose header the dump lacks)',
} as const;

/** The image's identity and version: the PDB it was linked with, its symbol-store key, the version resource. */
function imageCells(module: SummaryModule): HTMLTableCellElement[] {
  const source = symbolSource(module);
  const sourceCell = cell(el('span', { className: `badge badge-symbols-${source}`, text: source }), { field: 'moduleSymbols', className: 'nowrap' });
  sourceCell.title = SYMBOL_SOURCES[source];
  const pdb = module.image?.pdb ?? null;
  const pdbName = pdb ? el('span', { text: pdb.name.split(/[\\/]/).pop() ?? pdb.name, cap: { max: MAX_NAME, at: 'middle' } }) : '';
  const nameCell = cell(pdbName, { field: 'modulePdb', className: 'path' });
  if (pdb) nameCell.title = visibleText(pdb.name);
  const idCell = cell(pdbId(module), { field: 'modulePdbId', mono: true });
  if (pdb) idCell.title = `GUID {${pdb.guid.toUpperCase()}}, age ${pdb.age}`;
  const version = module.image?.version ?? null;
  const versionCell = cell(version?.fileVersion ?? '', { field: 'moduleVersion', className: 'nowrap' });
  const about = [version?.companyName, version?.fileDescription, version?.productName].filter(Boolean).join(' · ');
  if (about) versionCell.title = visibleText(about);
  return [sourceCell, nameCell, idCell, versionCell];
}

function isCulprit(context: ViewerContext, module: SummaryModule): boolean {
  const culprit = context.summary.culprit;
  return culprit !== null && culprit.module === module.name && BigInt(culprit.base) === BigInt(module.base);
}

function moduleRow(context: ViewerContext, module: SummaryModule): HTMLTableRowElement {
  const culprit = isCulprit(context, module);
  const name: Node[] = [virtualButton(context, module.base, module.name, 'moduleName')];
  if (culprit) name.push(el('span', { className: 'badge badge-culprit', text: 'culprit' }));
  const end = BigInt(module.base) + BigInt(module.size);
  const linkTime = describeLinkTime(module, context.summary.header.systemTime, false);
  const tr = row([
    cell(name, { header: true }),
    cell(module.base, { field: 'moduleBase', mono: true }),
    cell(toHex(end), { field: 'moduleEnd', mono: true }),
    cell(module.size, { field: 'moduleSize', mono: true, className: 'num' }),
    cell(linkTime.hash === 'yes' ? [module.timestamp, ' ', reproMark()] : linkTime.text, { field: 'moduleTimestamp', className: linkTime.hash === 'no' ? 'nowrap' : 'link-hash' }),
    cell(module.checksum, { field: 'moduleChecksum', mono: true, className: 'num' }),
    cell(moduleKindLabel(module.kind), { field: 'moduleKind', className: 'nowrap' }),
    ...imageCells(module),
    cell(breakablePath(module.path), { field: 'modulePath', className: 'path' }),
  ], { module: module.name, kind: module.kind }, culprit ? 'culprit-row' : undefined);
  // The raw timestamp stays one hover away: the date alone hides a reproducible build's hash.
  tr.cells[4]!.title = linkTime.hash === 'yes' ? linkTime.text : module.timestamp;
  return tr;
}

/** The image's debug directory has a REPRO entry: its TimeDateStamp is a hash of the content, not a link time. */
function reproMark(): HTMLElement {
  const mark = el('span', { className: 'badge badge-repro', text: 'hash, not a date', data: { field: 'moduleReproMark' } });
  mark.title = 'The image was linked /Brepro (a REPRO debug entry): TimeDateStamp is a content hash, not a link time';
  return mark;
}

function kindSelect(modules: readonly SummaryModule[]): HTMLSelectElement {
  const counts = new Map<string, number>();
  for (const m of modules) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  const select = el('select', { className: 'tool-input module-kind-filter', data: { field: 'moduleKindFilter' } }, [
    el('option', { text: `All kinds (${modules.length})` }),
    ...[...counts].map(([kind, count]) => {
      const option = el('option', { text: `${moduleKindLabel(kind)} (${count})` });
      option.value = kind;
      return option;
    }),
  ]);
  select.options[0]!.value = '';
  select.setAttribute('aria-label', 'Module kind');
  return select;
}

export const modulesPanel: Panel = {
  id: 'modules',
  title: 'Modules',
  available: () => true,
  render(context) {
    const modules = context.summary.modules;
    const page = panelPage('modules', 'Modules', 'The kernel drivers and the modules of the crashing process, with where their names come from (PDB, exports or none), the PDB each was linked with and its version. Click a name to see its image in memory.');
    if (modules.length === 0) {
      page.append(emptyNote('This dump lists no modules (see the warnings on the first tab).'));
      return page;
    }

    const search = el('input', { className: 'tool-input module-search', data: { field: 'moduleSearch' } });
    search.type = 'search';
    search.placeholder = 'Filter by name, path or PDB';
    search.setAttribute('aria-label', 'Filter modules by name, path or PDB');
    const kinds = kindSelect(modules);
    const count = el('span', { className: 'module-count', data: { field: 'moduleCount' } });

    const rows = modules.map((m) => moduleRow(context, m));
    const tbody = el('tbody', {}, rows);
    const { headers, apply: applySort } = sortableHeaders(MODULE_COLUMNS, COLUMN_TITLES, { column: 'base', direction: 'ascending' }, (sort) =>
      tbody.append(...sortModules(modules, sort.column, sort.direction).map((i) => rows[i]!)));

    function applyFilter(): void {
      const filter: ModuleFilter = { text: search.value, kind: kinds.value };
      let shown = 0;
      modules.forEach((m, i) => {
        const match = moduleMatches(m, filter);
        rows[i]!.hidden = !match;
        if (match) ++shown;
      });
      count.textContent = shown === modules.length ? `${modules.length} modules` : `${shown} of ${modules.length} modules`;
    }

    search.addEventListener('input', applyFilter);
    kinds.addEventListener('change', applyFilter);
    applySort();
    applyFilter();

    const table = el('table', { className: 'data-table module-table' }, [el('thead', {}, [el('tr', {}, headers)]), tbody]);
    page.append(
      el('div', { className: 'panel-toolbar' }, [search, kinds, count]),
      el('div', { className: 'panel-scroll module-scroll' }, [table]),
    );
    return page;
  },
};
