// The hex view's disassembly pane: the instructions from the cursor (and a few before it) when the cursor is on a
// code page of virtual memory, in the instruction set of the dump's machine. "Code page": the page-table walk says
// executable; where there is no walk (a triage dump) the address lies in a loaded module. Off until the toolbar's
// Disassembly button (or a Stack tab frame) turns it on, so the hex view loads no disassembler unasked.
import type { DumpHandle } from '../api/types';
import type { CodeArch } from '../disasm/disassembler';
import { disassemblyElement, readCodeAround } from '../disasm/code-view';
import { el } from '../views/dom';
import type { ModuleMap } from '../viewer/module-map';
import type { AddressSpace } from './address-space';
import { hexAddress } from './hex-format';

/** Bytes read before the cursor (to find the instructions before it) and from it. */
const BEFORE = 48;
const AFTER = 96;
/** The pane waits for the cursor to rest this long (holding an arrow key decodes once). */
const SETTLE_MS = 80;

export class DisassemblyPane {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly where: HTMLElement;
  private on = false;
  private token = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last: { space: AddressSpace; cursor: bigint } | null = null;

  constructor(private readonly options: { dump: DumpHandle; arch: CodeArch | null; modules: ModuleMap }) {
    this.where = el('span', { className: 'mono', data: { field: 'hexDisasmWhere' } });
    this.body = el('div', { className: 'hex-disasm-body' });
    this.element = el('section', { className: 'hex-disasm', data: { field: 'hexDisasm' } }, [
      el('h3', { className: 'hex-disasm-title' }, [document.createTextNode('Disassembly at '), this.where]),
      this.body,
    ]);
    this.element.setAttribute('aria-live', 'polite');
    this.element.hidden = true;
  }

  get enabled(): boolean {
    return this.on;
  }

  setEnabled(on: boolean): void {
    this.on = on;
    this.element.hidden = !on;
    if (on && this.last) this.update(this.last.space, this.last.cursor);
    if (!on) ++this.token;
  }

  /** The cursor moved (or the space changed). */
  update(space: AddressSpace, cursor: bigint): void {
    this.last = { space, cursor };
    if (!this.on) return;
    const token = ++this.token;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(space, cursor, token), SETTLE_MS);
  }

  destroy(): void {
    clearTimeout(this.timer);
    ++this.token;
  }

  private note(text: string): void {
    this.body.replaceChildren(el('p', { className: 'hex-disasm-note', text, data: { field: 'hexDisasmNote' } }));
  }

  private async render(space: AddressSpace, cursor: bigint, token: number): Promise<void> {
    const { arch, dump, modules } = this.options;
    this.where.textContent = hexAddress(cursor);
    if (!arch) return this.note('This dump\u2019s machine has no disassembler here (x86, x64, ARM64 and ARM Thumb-2 do).');
    if (space.kind !== 'virtual') return this.note('Code runs at virtual addresses: switch to Virtual to disassemble.');
    const code = await isCode(dump, space, cursor, modules);
    if (token !== this.token) return;
    if (code !== true) return this.note(code);
    const bytes = await readCodeAround({
      readVirtual: async (address, length) => (await space.readRange(address, length)).bytes,
      symbolize: (addresses) => dump.symbolize(addresses),
    }, cursor, BEFORE, AFTER);
    if (token !== this.token) return;
    if (!bytes) return this.note(`The dump does not hold ${hexAddress(cursor)}.`);
    const listing = await disassemblyElement({
      arch, bytes: bytes.bytes, start: bytes.start, target: cursor, before: 3, after: 16,
      symbolize: (addresses) => dump.symbolize(addresses), field: 'hexDisasmListing',
    });
    if (token !== this.token) return;
    this.body.replaceChildren(listing);
  }
}

/** True on a code page, else why not. */
async function isCode(dump: DumpHandle, space: AddressSpace, address: bigint, modules: ModuleMap): Promise<true | string> {
  try {
    const translation = await dump.translate(address, space.dtb !== undefined ? { dtb: space.dtb } : {});
    return translation.executable ? true : `The page at ${hexAddress(address)} is not executable: no code to disassemble.`;
  } catch {
    // No page-table walk (a triage dump's saved regions, a page-table page missing): code lives in modules.
    return modules.find(address) ? true : `${hexAddress(address)} is not in an executable page or a loaded module.`;
  }
}
