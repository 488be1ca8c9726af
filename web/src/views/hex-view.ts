// A plain hex dump of a byte range (offset, 16 bytes, ASCII). The scrolling hex view over the whole file comes later.
import { hexDumpLines } from '../format';
import { el } from './dom';

export function renderHexDump(bytes: Uint8Array, offset: number): HTMLElement {
  return el('pre', { className: 'hexdump', text: hexDumpLines(bytes, offset).join('\n') });
}
