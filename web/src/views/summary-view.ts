// The summary panels: bugcheck, crash time, header fields, warnings. Each panel is a table of rows, so showing
// another field is adding a row.
import { formatHexSize, formatLocal, formatUptime, formatUtc } from '../format';
import type { Summary, SummaryHeader } from '../summary';
import { definitionList, el } from './dom';

interface Row<T> {
  field: string;
  label: string;
  value: (from: T) => string;
  mono?: boolean;
}

const HEADER_ROWS: Row<SummaryHeader>[] = [
  { field: 'signature', label: 'Signature', value: (h) => h.signature, mono: true },
  { field: 'dumpType', label: 'Dump type', value: (h) => `${h.dumpTypeName} (${h.dumpType})` },
  { field: 'machine', label: 'Machine', value: (h) => `${h.machineName} (${h.machineImageType})` },
  { field: 'numberProcessors', label: 'Processors', value: (h) => String(h.numberProcessors) },
  { field: 'version', label: 'Version', value: (h) => `${h.majorVersion}.${h.minorVersion}` },
  { field: 'directoryTableBase', label: 'DirectoryTableBase', value: (h) => h.directoryTableBase, mono: true },
  { field: 'pfnDatabase', label: 'PfnDataBase', value: (h) => h.pfnDatabase, mono: true },
  { field: 'psLoadedModuleList', label: 'PsLoadedModuleList', value: (h) => h.psLoadedModuleList, mono: true },
  { field: 'psActiveProcessHead', label: 'PsActiveProcessHead', value: (h) => h.psActiveProcessHead, mono: true },
  { field: 'kdDebuggerDataBlock', label: 'KdDebuggerDataBlock', value: (h) => h.kdDebuggerDataBlock, mono: true },
  { field: 'requiredDumpSpace', label: 'Required dump space', value: (h) => formatHexSize(h.requiredDumpSpace) },
  { field: 'fileSize', label: 'File size', value: (h) => formatHexSize(h.fileSize) },
];

function rows<T>(table: Row<T>[], from: T) {
  return table.map((row) => ({ field: row.field, label: row.label, value: row.value(from), mono: row.mono }));
}

function panel(title: string, body: Node, className = 'panel'): HTMLElement {
  return el('section', { className }, [el('h3', { text: title }), body]);
}

export function renderSummary(summary: Summary): HTMLElement {
  const { header, bugcheck, warnings } = summary;

  const bugcheckPanel = panel('Bugcheck', definitionList([
    { field: 'bugcheckCode', label: 'Code', value: bugcheck.code, mono: true },
    { field: 'bugcheckName', label: 'Name', value: bugcheck.name || 'unknown' },
    ...(bugcheck.description ? [{ field: 'bugcheckDescription', label: 'Meaning', value: bugcheck.description }] : []),
    // The value, then what Microsoft documents it to mean for this bug check.
    ...bugcheck.parameters.map((p, i) => {
      const meaning = bugcheck.parameterMeanings?.[i];
      return { field: `bugcheckParameter${i + 1}`, label: `Parameter ${i + 1}`, value: meaning ? `${p}  (${meaning})` : p, mono: true };
    }),
  ]));

  const time = header.systemTime;
  const timePanel = panel('Crash time', definitionList([
    { field: 'systemTimeUtc', label: 'UTC', value: time ? formatUtc(time) : 'not recorded' },
    { field: 'systemTimeLocal', label: 'Local', value: time ? formatLocal(time) : 'not recorded' },
    { field: 'uptime', label: 'Uptime', value: formatUptime(header.systemUpTimeSeconds) },
  ]));

  const headerRows = rows(HEADER_ROWS, header);
  if (header.comment) headerRows.push({ field: 'comment', label: 'Comment', value: header.comment, mono: false });
  const headerPanel = panel('Header', definitionList(headerRows));

  const children: HTMLElement[] = [el('div', { className: 'column' }, [bugcheckPanel, timePanel]), headerPanel];
  // What a user with a blue screen wants first: which driver crashed the machine, and why kdmpview thinks so.
  const culprit = summary.culprit;
  children.unshift(panel('What crashed', definitionList(culprit ? [
    { field: 'culpritModule', label: 'Driver', value: culprit.module },
    { field: 'culpritAddress', label: 'Address', value: `${culprit.module}+${culprit.offset} (${culprit.address})`, mono: true },
    { field: 'culpritReason', label: 'Why', value: culprit.reason },
  ] : [
    { field: 'culpritModule', label: 'Driver', value: 'not found: no loaded module holds the blamed address' },
  ]), 'panel panel-culprit'));
  if (warnings.length > 0) {
    children.unshift(panel('Warnings', el('ul', { className: 'warnings' }, warnings.map((w) =>
      el('li', { data: { code: w.code } }, [el('span', { className: 'warning-code', text: w.code }), el('span', { text: w.message })])))
    , 'panel panel-warnings'));
  }
  return el('div', { className: 'panels' }, children);
}
