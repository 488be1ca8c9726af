// The physical memory the dump holds: a bar from address 0 to the top of memory with each present range drawn where
// it lies (gaps are memory the dump does not hold, or that does not exist), then the ranges as a table.
import { formatBytes } from '../format';
import { toHex } from '../hex';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { type MemoryBlock, layoutMemoryMap, type MemoryMap } from './memory-map';
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
    button.setAttribute('aria-label', `Physical memory ${rangeText(b)}; show in the hex view`);
    button.addEventListener('click', () => context.showHex({ space: 'physical', address: b.base }));
    return button;
  }));
  const axis = el('div', { className: 'memory-axis' }, [
    el('span', { text: '0x0' }),
    el('span', { text: `${toHex(map.top)} (${formatBytes(map.top)})` }),
  ]);
  return el('figure', { className: 'memory-picture' }, [bar, axis,
    el('figcaption', { text: 'Each block is memory the dump holds; empty space is memory it does not hold. Click a block to see its bytes.' })]);
}

export const memoryPanel: Panel = {
  id: 'memory',
  title: 'Memory map',
  // A minidump keeps no physical memory: its saved blocks are on the Triage tab.
  available: (summary) => summary.physicalMemory.ranges.length > 0 || summary.triage === undefined,
  render(context) {
    const map = layoutMemoryMap(context.summary.physicalMemory.ranges);
    const page = panelPage('memory', 'Physical memory map');
    if (map.blocks.length === 0) {
      page.append(emptyNote('This dump holds no physical memory pages.'));
      return page;
    }
    page.append(
      factList([
        { label: 'Present pages', value: String(map.pages), field: 'memoryPages' },
        { label: 'Present bytes', value: `${formatBytes(map.bytes)} (${toHex(map.bytes)})`, field: 'memoryBytes' },
        { label: 'Highest address', value: toHex(map.top - 1n), field: 'memoryTop', mono: true },
        { label: 'Ranges', value: String(map.blocks.length), field: 'memoryRangeCount' },
      ], 'memory-totals'),
      picture(context, map),
      block('Ranges', [dataTable(['Base', 'End', 'Pages', 'Size'], map.blocks.map((b) => row([
        cell(hexButton(context, { space: 'physical', address: b.base }, undefined, 'rangeBase')),
        cell(toHex(b.end), { field: 'rangeEnd', mono: true }),
        cell(String(b.pages), { field: 'rangePages', className: 'num' }),
        cell(formatBytes(b.end - b.base), { field: 'rangeSize', className: 'num' }),
      ])), { className: 'memory-table', numeric: [2, 3] })]),
    );
    return page;
  },
};
