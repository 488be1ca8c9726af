// Every field of the dump header as the file holds it: offset (a button to those bytes), size, raw value, and what
// kdmpview decoded from it. A reader can check any field against the bytes.
import { formatBytes, formatUptime, formatUtc } from '../format';
import type { HeaderField } from '../protocol';
import type { Summary } from '../summary';
import type { Panel, PanelId, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { buildKind, describeWindowsVersion } from '../windows-version';
import { formatHeaderValue } from './header-values';
import { type Content, cell, dataTable, hexButton, panelPage, row } from './ui';

function panelLink(context: ViewerContext, id: PanelId, text: string): HTMLButtonElement {
  const button = el('button', { className: 'link-button', text });
  button.type = 'button';
  button.addEventListener('click', () => context.showPanel(id));
  return button;
}

/** What the summary made of a field, where that says more than the raw value. */
function decoded(context: ViewerContext, name: string): Content {
  const { header, bugcheck, exception, context: registers, physicalMemory }: Summary = context.summary;
  const parameter = /^BugCheckParameter([1-4])$/.exec(name);
  if (parameter) return context.modules.symbolize(BigInt(bugcheck.parameters[Number(parameter[1]) - 1]!)) ?? '';
  switch (name) {
    case 'ValidDump': return header.is64 ? '64-bit dump' : '32-bit dump';
    case 'MajorVersion': { const kind = buildKind(header.majorVersion); return kind ? `${kind} build` : ''; }
    case 'MinorVersion': return describeWindowsVersion(0xf, header.minorVersion);
    case 'MachineImageType': return header.machineName;
    case 'NumberProcessors': return String(header.numberProcessors);
    case 'BugCheckCode': return bugcheck.name;
    case 'DumpType': return header.dumpTypeName;
    case 'RequiredDumpSpace': return formatBytes(BigInt(header.requiredDumpSpace));
    case 'SystemTime': return header.systemTime ? formatUtc(header.systemTime) : 'not a valid time';
    case 'SystemUpTime': return formatUptime(header.systemUpTimeSeconds);
    case 'PaeEnabled': return header.paeEnabled ? 'PAE enabled' : 'PAE disabled';
    case 'ContextRecord': return registers ? panelLink(context, 'registers', 'Registers') : 'not readable';
    case 'Exception': return exception ? [`${exception.name || exception.code} `, panelLink(context, 'exception', 'Exception')] : 'not readable';
    case 'PhysicalMemoryBlock':
      return physicalMemory.ranges.length > 0 ? [`${physicalMemory.ranges.length} ranges, ${physicalMemory.pages} pages `, panelLink(context, 'memory', 'Memory map')] : '';
    default: return '';
  }
}

/** "0x038": three digits at least, so the column lines up for both header sizes. */
function offsetText(offset: number): string {
  return `0x${offset.toString(16).padStart(3, '0')}`;
}

function fieldRow(context: ViewerContext, field: HeaderField, header: Uint8Array): HTMLTableRowElement {
  const bytes = header.subarray(Math.min(field.offset, header.length), Math.min(field.offset + field.size, header.length));
  const value = formatHeaderValue(field.name, field.size, bytes);
  const offset = hexButton(context, { space: 'file', address: BigInt(field.offset), length: field.size }, offsetText(field.offset), 'headerOffset');
  return row([
    cell(field.name, { header: true, field: 'headerName' }),
    cell(offset, { className: 'num' }),
    cell(String(field.size), { field: 'headerSize', className: 'num' }),
    cell(value, { field: 'headerValue', mono: true, className: value.startsWith('not set') ? 'unset' : undefined }),
    cell(decoded(context, field.name), { field: 'headerDecoded' }),
  ], { headerField: field.name });
}

export const headerPanel: Panel = {
  id: 'header',
  title: 'Header',
  available: () => true,
  async render(context) {
    const fields = context.dump.headerFields;
    const end = fields.reduce((max, f) => Math.max(max, f.offset + f.size), 0);
    const header = await context.dump.readFile(0n, end);
    const page = panelPage('header', `Dump header (${context.summary.header.signature})`,
      'Each field of the header at the start of the file. Click an offset to see its bytes.');
    page.append(dataTable(['Field', 'Offset', 'Size', 'Value', 'Decoded'], fields.map((f) => fieldRow(context, f, header)),
      { className: 'header-table', numeric: [1, 2] }));
    return page;
  },
};
