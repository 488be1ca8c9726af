// The physical memory the dump holds: a bar from address 0 to the top of memory with each present range drawn where
// it lies (gaps are memory the dump does not hold, or that does not exist), then the ranges as a table.
import { formatBytes } from '../format';
import { toHex } from '../hex';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { heldPagesFromLayout, type MemoryBlock, layoutMemoryMap, type MemoryMap, PAGE_SIZE } from './memory-map';
import { block, cell, dataTable, emptyNote, factList, hexButton, panelPage, row } from './ui';

function rangeText(b: MemoryBlock): string {
  return `${toHex(b.base)} \u2013 ${toHex(b.end - 1n)}: ${b.pages} pages (${formatBytes(b.end - b.base)})`;
}

function picture(context: ViewerContext, map: MemoryMap): HTMLElement {
  const bar = el('div', { className: 'memory-bar', data: { field: 'memoryBar' } }, map.blocks.map((b) => {
    const button = el('button', { className: 'memory-block', data: { base: toHex(b.base) } });
    button.type = 'button';
    // Positions from script through the CSSOM: the CSP forbids style attributes, not element.style.
    button.style.left = `${b.left}%`;
    button.style.width = `${b.width}%`;
    button.title = rangeText(b);
    // The part of the range the header lists but the file does not hold, hatched in the error colour.
    if (b.held < b.pages) {
      const missing = el('span', { className: 'memory-missing' });
      missing.style.left = `${(100 * b.held) / b.pages}%`;
      button.append(missing);
      button.classList.add('memory-block-cut');
      button.title += b.held === 0 ? ' (not in the file: it ends before)' : ` (the file holds the first ${b.held} pages only)`;
    }
    button.setAttribute('aria-label', `Physical memory ${rangeText(b)}; show in the hex view`);
    button.addEventListener('click', () => context.showHex({ space: 'physical', address: b.base }));
    return button;
  }));
  const axis = el('div', { className: 'memory-axis' }, [
    el('span', { text: '0x0' }),
    el('span', { text: `${toHex(map.top)} (${formatBytes(map.top)})` }),
  ]);
  return el('figure', { className: 'memory-picture' }, [bar, axis,
    el('figcaption', { text: map.heldPages < map.pages
      ? 'Each block is memory the header lists; the hatched red part is what the file does not hold because it is cut short; empty space is memory the dump does not list. Click a block to see its bytes.'
      : 'Each block is memory the dump holds; empty space is memory it does not hold. Click a block to see its bytes.' })]);
}

/** For a cut file, in words: what the header lists against what the file holds. */
function truncationNote(context: ViewerContext, map: MemoryMap): HTMLElement | null {
  if (map.heldPages >= map.pages) return null;
  const { header } = context.summary;
  const held = BigInt(map.heldPages) * PAGE_SIZE;
  const note = el('p', { className: 'memory-truncated', data: { field: 'memoryTruncated' },
    text: `The file is cut short: the header lists ${map.pages} pages (${formatBytes(map.bytes)}), but the file holds only ${map.heldPages} of them (${formatBytes(held)}). `
      + `It is ${formatBytes(BigInt(header.fileSize))} long where the header says ${formatBytes(BigInt(header.requiredDumpSpace))} (${header.requiredDumpSpace}); the memory after it reads as missing.` });
  note.setAttribute('role', 'note');
  return note;
}

export const memoryPanel: Panel = {
  id: 'memory',
  title: 'Memory map',
  // A minidump keeps no physical memory: its saved blocks are on the Triage tab.
  available: (summary) => summary.physicalMemory.ranges.length > 0 || summary.triage === undefined,
  async render(context) {
    const layout = await context.dump.fileLayout().catch(() => null);
    const { header } = context.summary;
    const held = layout ? heldPagesFromLayout(layout, BigInt(header.fileSize) < BigInt(header.requiredDumpSpace)) : Infinity;
    const map = layoutMemoryMap(context.summary.physicalMemory.ranges, undefined, held);
    const page = panelPage('memory', 'Physical memory map');
    if (map.blocks.length === 0) {
      page.append(emptyNote('This dump holds no physical memory pages.'));
      return page;
    }
    const cut = map.heldPages < map.pages;
    page.append(
      ...[truncationNote(context, map)].filter((n): n is HTMLElement => n !== null),
      factList([
        { label: cut ? 'Pages the header lists' : 'Present pages', value: String(map.pages), field: 'memoryPages' },
        { label: cut ? 'Bytes the header lists' : 'Present bytes', value: `${formatBytes(map.bytes)} (${toHex(map.bytes)})`, field: 'memoryBytes' },
        ...(cut ? [{ label: 'Pages in the file', value: `${map.heldPages} (${formatBytes(BigInt(map.heldPages) * PAGE_SIZE)})`, field: 'memoryHeldPages' }] : []),
        { label: 'Highest address', value: toHex(map.top - 1n), field: 'memoryTop', mono: true },
        { label: 'Ranges', value: String(map.blocks.length), field: 'memoryRangeCount' },
      ], 'memory-totals'),
      picture(context, map),
      block('Ranges', [dataTable(['Base', 'End', 'Pages', 'Size', ...(cut ? ['In the file'] : [])], map.blocks.map((b) => row([
        cell(hexButton(context, { space: 'physical', address: b.base }, undefined, 'rangeBase')),
        cell(toHex(b.end), { field: 'rangeEnd', mono: true }),
        cell(String(b.pages), { field: 'rangePages', className: 'num' }),
        cell(formatBytes(b.end - b.base), { field: 'rangeSize', className: 'num' }),
        ...(cut ? [cell(b.held === b.pages ? 'all' : b.held === 0 ? 'none' : `${b.held} pages`, { field: 'rangeHeld' })] : []),
      ])), { className: 'memory-table', numeric: [2, 3] })]),
    );
    return page;
  },
};
