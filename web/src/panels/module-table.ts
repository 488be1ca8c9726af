// Sorting and filtering of the modules table, without the DOM: the panel builds its rows once and only reorders
// and hides them, so a dump with hundreds of modules stays fast.
import type { SummaryModule } from '../summary';

export const MODULE_COLUMNS = ['name', 'base', 'end', 'size', 'timestamp', 'checksum', 'kind', 'symbols', 'pdb', 'pdbId', 'version', 'path'] as const;
export type ModuleColumn = (typeof MODULE_COLUMNS)[number];
import type { SortDirection } from './sortable-headers';
export type { SortDirection };

const NUMERIC: ReadonlySet<ModuleColumn> = new Set(['base', 'end', 'size', 'timestamp', 'checksum']);

/** The value compared for a column: bigint for numbers, lower-case text otherwise. */
function key(module: SummaryModule, column: ModuleColumn): bigint | string {
  switch (column) {
    case 'end': return BigInt(module.base) + BigInt(module.size);
    case 'base': case 'size': case 'timestamp': case 'checksum': return BigInt(module[column]);
    case 'symbols': return symbolSource(module);
    case 'pdb': return (module.image?.pdb?.name ?? '').toLowerCase();
    case 'pdbId': return pdbId(module);
    case 'version': return module.image?.version?.fileVersion ?? '';
    default: return module[column].toLowerCase();
  }
}

/** Where the module's names come from: "pdb", "exports" or "none". */
export function symbolSource(module: SummaryModule): 'pdb' | 'exports' | 'none' {
  return module.symbols ?? 'none';
}

/** The PDB's identity as a symbol store names its folder: the GUID's 32 hex digits and the age in hex, upper case
 *  ("58871AB209B201604C4C44205044422E1"); '' without a CodeView record. */
export function pdbId(module: Pick<SummaryModule, 'image'>): string {
  const pdb = module.image?.pdb;
  return pdb ? `${pdb.guid.replace(/-/g, '')}${pdb.age.toString(16)}`.toUpperCase() : '';
}

export function isNumericColumn(column: ModuleColumn): boolean {
  return NUMERIC.has(column);
}

/** The indexes of `modules` in display order. Equal keys keep base order, so the sort is stable and predictable. */
export function sortModules(modules: readonly SummaryModule[], column: ModuleColumn, direction: SortDirection): number[] {
  const keys = modules.map((m) => key(m, column));
  const bases = modules.map((m) => BigInt(m.base));
  const sign = direction === 'ascending' ? 1 : -1;
  const compare = (a: bigint | string, b: bigint | string) => (a < b ? -1 : a > b ? 1 : 0);
  return modules
    .map((_, i) => i)
    .sort((a, b) => sign * compare(keys[a]!, keys[b]!) || compare(bases[a]!, bases[b]!) || a - b);
}

export interface ModuleFilter {
  /** A substring of the name, the path or the PDB's name, case-insensitive; '' matches every module. */
  text: string;
  /** A kind ("kernel", "user", "user32"), or '' for all. */
  kind: string;
}

export function moduleMatches(module: SummaryModule, filter: ModuleFilter): boolean {
  if (filter.kind && module.kind !== filter.kind) return false;
  const needle = filter.text.trim().toLowerCase();
  return needle === '' || module.name.toLowerCase().includes(needle) || module.path.toLowerCase().includes(needle)
    || (module.image?.pdb?.name.toLowerCase().includes(needle) ?? false);
}
