// The columns of the table of crashes (BlueScreenView's, culprit first) and the table as CSV and JSON. Pure: the
// table (crash-list.ts) and the exports share these, and tests/web checks them without a DOM.
import { formatBytes, formatUtc } from '../format';
import type { Summary, SummaryModule } from '../summary';

/** One listed file: its summary, or why it could not be read. `name` is the path inside a dropped folder. */
export interface CrashListEntry {
  file: File;
  name: string;
  summary?: Summary;
  error?: { code: string; message: string };
}

export interface CrashColumn {
  id: string;
  label: string;
  /** The text shown and exported; sorting compares `key` (default the text). */
  text(entry: CrashListEntry): string;
  key?(entry: CrashListEntry): string | number;
  mono?: boolean;
  /** Hidden until the user shows it from "Columns". */
  hiddenByDefault?: boolean;
  /** Offered only when some entry has a value (columns whose data another part of the core fills in later). */
  optional?: boolean;
}

/** The module the culprit lies in, for the columns about its image. */
export function culpritModule(summary: Summary | undefined): SummaryModule | undefined {
  const culprit = summary?.culprit;
  if (!summary || !culprit) return undefined;
  return summary.modules.find((m) => m.name === culprit.module && m.base === culprit.base);
}

// The culprit comes right after the bug check: on a 1366 px screen the file, time, bug check and culprit columns fit
// without scrolling, and the driver to blame is what the table is read for.
export const CRASH_COLUMNS: readonly CrashColumn[] = [
  { id: 'file', label: 'Dump file', text: (e) => e.name },
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
  // The image's version resource (file version, company): filled in by the symbols work (SummaryModule's
  // fileVersion and companyName); offered as soon as a summary carries them.
  { id: 'version', label: 'File version', optional: true, text: (e) => culpritModule(e.summary)?.fileVersion ?? '' },
  { id: 'company', label: 'Company', optional: true, text: (e) => culpritModule(e.summary)?.companyName ?? '' },
  ...[0, 1, 2, 3].map((i): CrashColumn => ({
    id: `parameter${i + 1}`, label: `Parameter ${i + 1}`, text: (e) => e.summary?.bugcheck.parameters[i] ?? '', mono: true,
  })),
  { id: 'type', label: 'Dump type', hiddenByDefault: true, text: (e) => (e.summary ? `${e.summary.header.dumpTypeName} (${e.summary.header.machineName})` : '') },
  { id: 'build', label: 'Build', hiddenByDefault: true, text: (e) => (e.summary ? String(e.summary.header.minorVersion) : ''), key: (e) => e.summary?.header.minorVersion ?? 0 },
  { id: 'size', label: 'File size', hiddenByDefault: true, text: (e) => formatBytes(e.file.size), key: (e) => e.file.size },
];

/** The columns worth offering for these entries: the optional ones only when some entry has a value. */
export function offeredColumns(entries: readonly CrashListEntry[]): CrashColumn[] {
  return CRASH_COLUMNS.filter((c) => !c.optional || entries.some((e) => c.text(e) !== ''));
}

/** A CSV field: quoted when it holds a comma, a quote or a line break; a leading =, +, - or @ gets a ' so a
 *  spreadsheet does not run a hostile file name as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The table as CSV (RFC 4180, CRLF line ends): the given columns, one row per entry, in the given order. */
export function crashTableCsv(entries: readonly CrashListEntry[], columns: readonly CrashColumn[]): string {
  const lines = [columns.map((c) => csvField(c.label)), ...entries.map((e) => columns.map((c) => csvField(c.text(e))))];
  return `${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

/** The table as JSON: per file its name and size, and its summary (as kdmp-parser --json writes it) or its error. */
export function crashTableJson(entries: readonly CrashListEntry[]): string {
  const files = entries.map((e) => ({
    file: e.name,
    size: e.file.size,
    ...(e.summary ? { summary: e.summary } : { error: e.error ?? { code: 'internal-error', message: 'not read' } }),
  }));
  return `${JSON.stringify({ files }, null, 2)}\n`;
}
