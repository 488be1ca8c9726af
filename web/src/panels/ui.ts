// Building blocks shared by the panels: the page frame, tables, fact lists and the address buttons that open the hex
// view. Every value carries data-field (tests and styling); text from the dump goes in as textContent only.
import { toHex } from '../hex';
import type { Hex } from '../summary';
import type { HexLocation, ViewerContext } from '../viewer/context';
import { el, safeTextNode, setText } from '../views/dom';
import { capEnd, visibleText } from '../views/safe-text';
import { MAX_SYMBOL } from '../viewer/symbol-names';

export type Content = string | Node | (string | Node)[];

function append(parent: HTMLElement, content: Content): void {
  parent.append(...(Array.isArray(content) ? content : [content]).map((c) => (typeof c === 'string' ? safeTextNode(c) : c)));
}

/** A panel's frame: a heading and an optional sentence saying what the panel shows. */
export function panelPage(id: string, heading: string, intro?: string, options: { hideHeading?: boolean } = {}): HTMLElement {
  const h2 = el('h2', { className: options.hideHeading ? 'visually-hidden' : 'panel-heading', text: heading });
  const page = el('section', { className: `panel-page panel-page-${id}` }, [h2]);
  if (intro) page.append(el('p', { className: 'panel-intro', text: intro }));
  return page;
}

/** A titled block inside a panel. */
export function block(title: string, children: Node[], className = ''): HTMLElement {
  return el('section', { className: `panel-block ${className}`.trim() }, [el('h3', { text: title }), ...children]);
}

/** The longest name a table cell shows before an ellipsis. */
export const MAX_NAME = 48;

const SPACE_NAMES = { file: 'the file', physical: 'physical memory', virtual: 'virtual memory' } as const;

/** A button showing `text` (default the address) that opens the hex view at `location`. */
export function hexButton(context: ViewerContext, location: HexLocation, text?: string, field?: string): HTMLButtonElement {
  const address = toHex(location.address);
  // Names from the dump (modules) are capped so one long name cannot widen a table; the tooltip has it whole.
  const shown = text === undefined ? address : capEnd(visibleText(text), MAX_NAME);
  const button = el('button', { className: 'address-button', text: shown, data: field ? { field } : {} });
  button.type = 'button';
  const whole = text !== undefined && shown !== visibleText(text) ? `${visibleText(text)}\n` : '';
  button.title = `${whole}Show ${address} in ${SPACE_NAMES[location.space]} (hex view)`;
  button.addEventListener('click', () => context.showHex(location));
  return button;
}

/** A button to a virtual address. */
export function virtualButton(context: ViewerContext, address: Hex | bigint, text?: string, field?: string): HTMLButtonElement {
  return hexButton(context, { space: 'virtual', address: BigInt(address) }, text, field);
}

/** "symdrv!Function+0x10" (or "ntoskrnl.exe+0x1234" without a symbol there) as a muted label next to an address; an
 *  empty text node outside every module. A function's name the worker has not given yet fills in when it does. */
export function symbolLabel(context: ViewerContext, address: Hex | bigint, field?: string): Node {
  const at = BigInt(address);
  const symbol = context.symbols.now(at);
  if (!symbol) return document.createTextNode('');
  const cap = { max: MAX_SYMBOL, at: 'middle' } as const;
  const label = el('span', { className: 'symbol', text: symbol, cap, data: field ? { field } : {} });
  if (context.symbols.unknown(at)) {
    void context.symbols.name(at).then((name) => {
      if (name && name !== symbol) setText(label, name, cap);
    });
  }
  return label;
}

/** A table cell; `field` names the value for tests. */
export function cell(content: Content, options: { field?: string; mono?: boolean; className?: string; header?: boolean } = {}): HTMLTableCellElement {
  const classes = [options.mono ? 'mono' : '', options.className ?? ''].filter(Boolean).join(' ');
  const td = el(options.header ? 'th' : 'td', { className: classes || undefined, data: options.field ? { field: options.field } : {} });
  if (options.header) td.scope = 'row';
  append(td, content);
  return td;
}

export function row(cells: HTMLTableCellElement[], data: Record<string, string> = {}, className?: string): HTMLTableRowElement {
  return el('tr', { className, data }, cells);
}

/** A table with column headers; `numeric` columns are right-aligned. */
export function dataTable(headers: readonly string[], rows: HTMLTableRowElement[], options: { className?: string; caption?: string; numeric?: readonly number[] } = {}): HTMLTableElement {
  const head = el('tr', {}, headers.map((h, i) => {
    const th = el('th', { text: h, className: options.numeric?.includes(i) ? 'num' : undefined });
    th.scope = 'col';
    return th;
  }));
  const table = el('table', { className: `data-table ${options.className ?? ''}`.trim() }, [el('thead', {}, [head]), el('tbody', {}, rows)]);
  if (options.caption) table.createCaption().textContent = options.caption;
  return table;
}

export interface Fact {
  label: string;
  value: Content;
  field?: string;
  mono?: boolean;
}

/** A <dl> of label/value pairs; each <dd> carries data-field. */
export function factList(facts: Fact[], className = ''): HTMLDListElement {
  return el('dl', { className: `facts ${className}`.trim() }, facts.flatMap((fact) => {
    const dd = el('dd', { className: fact.mono ? 'mono' : undefined, data: fact.field ? { field: fact.field } : {} });
    append(dd, fact.value);
    return [el('dt', { text: fact.label }), dd];
  }));
}

/** A sentence saying why a panel has nothing to show. */
export function emptyNote(text: string, field?: string): HTMLElement {
  return el('p', { className: 'panel-empty', text, data: field ? { field } : {} });
}

/** Plain text between elements (el() takes nodes only). */
export function text(value: string): Text {
  return safeTextNode(value);
}

/** A Windows path that may wrap after each backslash (a <wbr> there), not in the middle of a name. */
export function breakablePath(path: string): Node[] {
  return path.split(/(?<=[\\/])/).flatMap((part, i) => (i === 0 ? [text(part)] : [el('wbr'), text(part)]));
}
