// A minidump's triage header (C:\Windows\Minidump): the drivers it lists, the one Windows marked as broken, the
// drivers unloaded before the crash, and the blocks of memory it saved (the call stack and data blocks).
import { formatBytes } from '../format';
import { hexToSafeNumber, toHex } from '../hex';
import type { Panel } from '../viewer/context';
import { virtualTable, VIRTUALIZE_FROM } from './virtual-table';
import { block, cell, dataTable, emptyNote, factList, hexButton, panelPage, row, virtualButton } from './ui';

export const triagePanel: Panel = {
  id: 'triage',
  title: 'Triage',
  available: (summary) => summary.triage !== undefined,
  render(context) {
    const triage = context.summary.triage;
    const page = panelPage('triage', 'Minidump (triage) data');
    if (!triage) {
      page.append(emptyNote('This is not a minidump: it has no triage header.'));
      return page;
    }
    page.append(factList([
      { label: 'Valid', value: triage.valid ? 'yes' : 'no: Windows did not finish writing the triage data', field: 'triageValid' },
      { label: 'Broken driver', value: triage.brokenDriver ?? 'none recorded', field: 'triageBrokenDriver' },
      { label: 'Drivers listed', value: String(triage.driverCount), field: 'triageDriverCount' },
      { label: 'Call stack', value: [virtualButton(context, triage.topOfStack, triage.topOfStack, 'triageTopOfStack'), ` ${formatBytes(BigInt(triage.sizeOfCallStack))} (${triage.sizeOfCallStack}) saved`] },
      { label: 'Size of dump', value: `${formatBytes(BigInt(triage.sizeOfDump))} (${triage.sizeOfDump})`, field: 'triageSizeOfDump' },
      { label: 'Triage options', value: triage.triageOptions, field: 'triageOptions', mono: true },
      { label: 'Service pack build', value: String(triage.servicePackBuild), field: 'triageServicePackBuild' },
    ], 'triage-facts'));

    page.append(block(`Unloaded drivers (${triage.unloadedDrivers.length})`, triage.unloadedDrivers.length === 0
      ? [emptyNote('No driver was unloaded before the crash.')]
      : [dataTable(['Name', 'Start', 'End', 'Size'], triage.unloadedDrivers.map((d) => row([
          cell(d.name, { header: true, field: 'unloadedName' }),
          cell(d.start, { field: 'unloadedStart', mono: true }),
          cell(d.end, { field: 'unloadedEnd', mono: true }),
          cell(toHex(BigInt(d.end) - BigInt(d.start)), { field: 'unloadedSize', mono: true, className: 'num' }),
        ], { unloaded: d.name })), { className: 'triage-unloaded', numeric: [3] })]));

    const blocks = triage.dataBlocks;
    const blockRow = (i: number) => {
      const b = blocks[i]!;
      const length = hexToSafeNumber(b.size) ?? undefined;
      return row([
        cell(virtualButton(context, b.address, b.address, 'blockAddress')),
        cell(hexButton(context, { space: 'file', address: BigInt(b.fileOffset), length }, b.fileOffset, 'blockFileOffset')),
        cell(b.size, { field: 'blockSize', mono: true, className: 'num' }),
      ], { block: b.address });
    };
    // Real minidumps save thousands of blocks: past VIRTUALIZE_FROM only the rows in view are built.
    const headers = ['Address', 'File offset', 'Size'];
    page.append(block(`Saved data blocks (${blocks.length})`, blocks.length === 0
      ? [emptyNote('This minidump saved no data blocks.')]
      : blocks.length >= VIRTUALIZE_FROM
        ? [virtualTable(headers, blocks.length, blockRow, { className: 'triage-blocks', numeric: [2] })]
        : [dataTable(headers, blocks.map((_, i) => blockRow(i)), { className: 'triage-blocks', numeric: [2] })]));
    return page;
  },
};
