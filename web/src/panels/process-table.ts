// Sorting and filtering of the processes table, without the DOM (like module-table.ts): the panel builds its rows
// once and only reorders and hides them, so a dump with thousands of processes stays fast.
import type { SummaryProcess } from '../summary';

export const PROCESS_COLUMNS = ['pid', 'name', 'parentPid', 'sessionId', 'threads', 'createTime', 'exitTime', 'wow64', 'directoryTableBase', 'imagePath'] as const;
export type ProcessColumn = (typeof PROCESS_COLUMNS)[number];
import type { SortDirection } from './sortable-headers';
export type { SortDirection };

/** The value compared for a column: numbers as bigint (unknown sorts first), text lower-case. */
function key(p: SummaryProcess, column: ProcessColumn): bigint | string {
  switch (column) {
    case 'pid': case 'parentPid': case 'sessionId': {
      const v = p[column];
      return v === null ? -1n : BigInt(v);
    }
    case 'threads': return BigInt(p.threads.length);
    case 'directoryTableBase': return p.directoryTableBase === null ? -1n : BigInt(p.directoryTableBase);
    case 'wow64': return p.wow64 === null ? '' : p.wow64 ? 'yes' : 'no';
    case 'createTime': case 'exitTime': return p[column] ?? '';
    case 'name': return p.name.toLowerCase();
    case 'imagePath': return p.imagePath.toLowerCase();
  }
}

/** The indexes of `processes` in display order. Equal keys keep list order, so the sort is stable. */
export function sortProcesses(processes: readonly SummaryProcess[], column: ProcessColumn, direction: SortDirection): number[] {
  const keys = processes.map((p) => key(p, column));
  const sign = direction === 'ascending' ? 1 : -1;
  const compare = (a: bigint | string, b: bigint | string) => (a < b ? -1 : a > b ? 1 : 0);
  return processes.map((_, i) => i).sort((a, b) => sign * compare(keys[a]!, keys[b]!) || a - b);
}

/**
 * Whether a process matches the filter text: a substring of its name or image path (case-insensitive), or its PID
 * or parent PID written in decimal ("6700") or hex ("0x1a2c"). '' matches every process.
 */
export function processMatches(p: SummaryProcess, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  if (p.name.toLowerCase().includes(needle) || p.imagePath.toLowerCase().includes(needle)) return true;
  const number = /^0x[0-9a-f]+$/.test(needle) ? Number.parseInt(needle.slice(2), 16) : /^\d+$/.test(needle) ? Number(needle) : NaN;
  return !Number.isNaN(number) && (p.pid === number || p.parentPid === number);
}
