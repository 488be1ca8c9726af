// The hex view's toolbar: which address space, the DTB of virtual memory, go-to, bytes per row, copy. It only builds
// the controls and reports what the user asked for; the workspace decides what happens.
import { el } from '../views/dom';
import type { AddressSpaceKind } from '../viewer/context';
import type { CopyFormat } from './copy-format';

export interface ToolbarActions {
  onSpace(kind: AddressSpaceKind): void;
  /** The DTB box's text, on Enter or when it loses focus changed. */
  onDtb(text: string): void;
  /** The go-to box's text, on Enter. */
  onGoto(text: string): void;
  onWidth(width: 16 | 32): void;
  onCopy(format: CopyFormat | 'address'): void;
  /** The Disassembly button: show or hide the pane. */
  onDisassembly(): void;
}

const SPACES: readonly { kind: AddressSpaceKind; label: string; title: string }[] = [
  { kind: 'file', label: 'File', title: 'The bytes of the dump file, with its structures named' },
  { kind: 'physical', label: 'Physical', title: 'Physical memory: the pages the dump holds' },
  { kind: 'virtual', label: 'Virtual', title: 'Virtual memory, through the page tables of a DTB' },
];

const COPIES: readonly { format: CopyFormat | 'address'; label: string; title: string }[] = [
  { format: 'hex', label: 'Copy hex', title: 'Copy the selection as hex bytes (Ctrl+C)' },
  { format: 'c-array', label: 'Copy C array', title: 'Copy the selection as a C array' },
  { format: 'base64', label: 'Copy base64', title: 'Copy the selection as base64' },
  { format: 'address', label: 'Copy address', title: 'Copy the cursor address' },
];

let toolbarCount = 0;

function button(text: string, className: string, data: Record<string, string>, title: string): HTMLButtonElement {
  const node = el('button', { className, text, data });
  node.type = 'button';
  node.title = title;
  return node;
}

export class HexToolbar {
  readonly element: HTMLElement;
  readonly gotoInput: HTMLInputElement;
  readonly dtbInput: HTMLInputElement;
  private readonly gotoMessage: HTMLElement;
  private readonly dtbGroup: HTMLElement;
  private readonly dtbMessage: HTMLElement;
  private readonly spaceButtons = new Map<AddressSpaceKind, HTMLButtonElement>();
  private readonly widthButtons = new Map<16 | 32, HTMLButtonElement>();
  private readonly disassemblyButton: HTMLButtonElement;

  constructor(actions: ToolbarActions) {
    const id = `hex-toolbar-${++toolbarCount}`;

    const spaces = el('div', { className: 'hex-segmented' });
    spaces.setAttribute('role', 'group');
    spaces.setAttribute('aria-label', 'Address space');
    for (const space of SPACES) {
      const b = button(space.label, 'tool-button hex-tool', { space: space.kind }, space.title);
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => actions.onSpace(space.kind));
      this.spaceButtons.set(space.kind, b);
      spaces.append(b);
    }

    this.dtbInput = el('input', { className: 'tool-input hex-dtb mono' });
    this.dtbInput.id = `${id}-dtb`;
    this.dtbInput.spellcheck = false;
    this.dtbInput.autocomplete = 'off';
    this.dtbInput.size = 18;
    this.dtbInput.title = 'The directory table base (CR3) whose page tables translate virtual addresses; default the header\'s';
    this.dtbMessage = el('span', { className: 'hex-input-error', data: { role: 'dtb-error' } });
    this.dtbMessage.id = `${id}-dtb-error`;
    this.dtbInput.setAttribute('aria-describedby', this.dtbMessage.id);
    const dtbLabel = el('label', { text: 'DTB' });
    dtbLabel.htmlFor = this.dtbInput.id;
    let dtbShown = '';
    this.dtbInput.addEventListener('focus', () => (dtbShown = this.dtbInput.value));
    this.dtbInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        dtbShown = this.dtbInput.value;
        actions.onDtb(this.dtbInput.value);
      }
    });
    this.dtbInput.addEventListener('blur', () => {
      if (this.dtbInput.value !== dtbShown) actions.onDtb(this.dtbInput.value);
    });
    this.dtbGroup = el('div', { className: 'hex-field-group' }, [dtbLabel, this.dtbInput, this.dtbMessage]);

    this.gotoInput = el('input', { className: 'tool-input hex-goto mono' });
    this.gotoInput.id = `${id}-goto`;
    this.gotoInput.spellcheck = false;
    this.gotoInput.autocomplete = 'off';
    this.gotoInput.placeholder = 'nt+0x1234, rip, 0n4096';
    this.gotoInput.title = 'An address (hex unless 0n…), a register, a module, module!function (with symbols), or sums of them; +/- moves from the cursor (Ctrl+G)';
    this.gotoMessage = el('span', { className: 'hex-input-error', data: { role: 'goto-error' } });
    this.gotoMessage.id = `${id}-goto-error`;
    this.gotoMessage.setAttribute('role', 'alert');
    this.gotoInput.setAttribute('aria-describedby', this.gotoMessage.id);
    const gotoLabel = el('label', { text: 'Go to' });
    gotoLabel.htmlFor = this.gotoInput.id;
    this.gotoInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        actions.onGoto(this.gotoInput.value);
      }
    });
    this.gotoInput.addEventListener('input', () => this.setGotoError(null));
    const gotoGroup = el('div', { className: 'hex-field-group' }, [gotoLabel, this.gotoInput, this.gotoMessage]);

    const widths = el('div', { className: 'hex-segmented' });
    widths.setAttribute('role', 'group');
    widths.setAttribute('aria-label', 'Bytes per row');
    widths.append(el('span', { className: 'hex-group-label', text: 'Bytes per row' }));
    for (const width of [16, 32] as const) {
      const b = button(String(width), 'tool-button hex-tool', { width: String(width) }, `${width} bytes per row`);
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => actions.onWidth(width));
      this.widthButtons.set(width, b);
      widths.append(b);
    }

    const copies = el('div', { className: 'hex-segmented hex-copy' });
    copies.setAttribute('role', 'group');
    copies.setAttribute('aria-label', 'Copy');
    for (const copy of COPIES) {
      const b = button(copy.label, 'tool-button hex-tool', { copy: copy.format }, copy.title);
      b.addEventListener('click', () => actions.onCopy(copy.format));
      copies.append(b);
    }

    this.disassemblyButton = button('Disassembly', 'tool-button hex-tool', { tool: 'disassembly' }, 'Disassemble the code at the cursor (virtual memory, code pages)');
    this.disassemblyButton.setAttribute('aria-pressed', 'false');
    this.disassemblyButton.addEventListener('click', () => actions.onDisassembly());

    this.element = el('div', { className: 'hex-toolbar' }, [spaces, this.dtbGroup, gotoGroup, widths, this.disassemblyButton, copies]);
    this.element.setAttribute('role', 'toolbar');
    this.element.setAttribute('aria-label', 'Hex view');
  }

  /** Which space is shown, and which can be: a dump without physical memory greys "Physical" out, with why. */
  setSpace(kind: AddressSpaceKind, dtb: bigint | undefined): void {
    for (const [space, b] of this.spaceButtons) b.setAttribute('aria-pressed', String(space === kind));
    this.dtbGroup.hidden = kind !== 'virtual' || dtb === undefined;
    if (dtb !== undefined && !this.dtbInput.matches(':focus')) this.dtbInput.value = `0x${dtb.toString(16)}`;
  }

  setAvailable(kind: AddressSpaceKind, reason: string | null): void {
    const b = this.spaceButtons.get(kind)!;
    b.disabled = reason !== null;
    if (reason !== null) b.title = reason;
  }

  setWidth(width: 16 | 32): void {
    for (const [w, b] of this.widthButtons) b.setAttribute('aria-pressed', String(w === width));
  }

  setDisassembly(on: boolean): void {
    this.disassemblyButton.setAttribute('aria-pressed', String(on));
  }

  /** The go-to box's failure, next to it; null clears it. */
  setGotoError(message: string | null): void {
    this.gotoMessage.textContent = message ?? '';
    this.gotoInput.setAttribute('aria-invalid', String(message !== null));
  }

  setDtbError(message: string | null): void {
    this.dtbMessage.textContent = message ?? '';
    this.dtbInput.setAttribute('aria-invalid', String(message !== null));
  }
}
