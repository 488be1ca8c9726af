// A disassembly listing on the page: the instructions around an address, the one of interest marked, direct calls
// and jumps named by the dump's symbols. Shared by the first screen (the faulting instruction), the Stack tab (a
// frame's call site) and the hex view's pane (the cursor). Text goes in as textContent only.
import { formatRowAddress } from '../hex/hex-format';
import { el } from '../views/dom';
import { capEnd, visibleText } from '../views/safe-text';
import { ARCH_NAMES, type CodeArch } from './disassembler';
import { instructionBytes, listingAround, type Listing, type ListingLine } from './listing';
import { loadDisassembler } from './load';

/** What a listing reads from the dump. */
export interface CodeSource {
  /** The bytes at `address`, shorter where the dump stops holding them (DumpHandle.readVirtual). */
  readVirtual(address: bigint, length: number): Promise<Uint8Array>;
  /** Names for addresses, null outside every module (DumpHandle.symbolize). */
  symbolize(addresses: bigint[]): Promise<(string | null)[]>;
}

export interface CodeBytes {
  start: bigint;
  bytes: Uint8Array;
}

const PAGE = 0x1000n;
/** The longest branch-target name a listing shows before an ellipsis. */
const MAX_SYMBOL = 64;

/**
 * Up to `before` bytes before `address` and `after` from it, as far as the dump holds them: a missing page before the
 * address leaves only what follows its page start. Null when the byte at `address` is not in the dump.
 */
export async function readCodeAround(source: CodeSource, address: bigint, before: number, after: number): Promise<CodeBytes | null> {
  const first = address >= BigInt(before) ? address - BigInt(before) : 0n;
  const page = address & ~(PAGE - 1n);
  const starts = [...new Set([first, page > first ? page : first, address])];
  for (const start of starts) {
    const length = Number(address - start) + after;
    const bytes = await source.readVirtual(start, length).catch(() => new Uint8Array(0));
    if (BigInt(bytes.length) > address - start) return { start, bytes };
  }
  return null;
}

/** The listing as a table (data-field disasm* on each cell, data-current on the marked row). */
export function listingTable(listing: Listing, arch: CodeArch, symbols: Map<bigint, string>, field: string): HTMLTableElement {
  const digits = arch === 'x64' || arch === 'arm64' ? 16 : 8;
  const rows = listing.lines.map((line) => {
    const target = line.branchTarget === null ? undefined : symbols.get(line.branchTarget);
    // A branch target's name comes from the dump (a module name): escaped, and capped so one name cannot widen the
    // listing.
    const operands = target ? `${line.operands} (${capEnd(visibleText(target), MAX_SYMBOL)})` : line.operands;
    const tr = el('tr', { className: line.current ? 'disasm-current' : undefined, data: { current: String(line.current) } }, [
      el('td', { className: 'disasm-marker', text: line.current ? '\u25b6' : '' }),
      el('td', { className: 'mono disasm-address', text: formatRowAddress(line.address, digits), data: { field: 'disasmAddress' } }),
      el('td', { className: 'mono disasm-bytes', text: instructionBytes(line), data: { field: 'disasmBytes' } }),
      el('td', { className: 'mono disasm-mnemonic', text: line.mnemonic, data: { field: 'disasmMnemonic' } }),
      el('td', { className: 'mono disasm-operands', text: operands, data: { field: 'disasmOperands' } }),
    ]);
    if (line.current) tr.setAttribute('aria-current', 'true');
    return tr;
  });
  const table = el('table', { className: 'disasm-table', data: { field } }, [el('tbody', {}, rows)]);
  table.createCaption().textContent = `${ARCH_NAMES[arch]} disassembly`;
  return table;
}

export interface DisassemblyOptions {
  arch: CodeArch;
  bytes: Uint8Array;
  start: bigint;
  target: bigint;
  before: number;
  after: number;
  symbolize: CodeSource['symbolize'];
  /** data-field of the table. */
  field: string;
  /** The target is a return address: mark the call before it. */
  markCall?: boolean;
}

export interface Disassembly {
  /** The table, or a sentence saying why there is none. */
  element: HTMLElement;
  /** The marked instruction, when one was decoded. */
  current: ListingLine | null;
}

/** Loads the disassembler, decodes around the target and names the branch targets. */
export async function disassemble(options: DisassemblyOptions): Promise<Disassembly> {
  let listing: Listing;
  const note = (text: string) => ({ element: el('p', { className: 'panel-empty', text, data: { field: `${options.field}Error` } }), current: null });
  try {
    const disassembler = await loadDisassembler(options.arch);
    // A Thumb address may carry the Thumb bit (bit 0 of a pc or a return address): the instruction starts below it.
    const target = options.arch === 'thumb' ? options.target & ~1n : options.target;
    listing = listingAround(disassembler, options.bytes, options.start, target, options.before, options.after, { markCall: options.markCall ?? false });
  } catch (error) {
    return note(`The ${ARCH_NAMES[options.arch]} disassembler could not load: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (listing.lines.length === 0) return note('No instruction could be decoded here.');
  const targets = [...new Set(listing.lines.map((l) => l.branchTarget).filter((t): t is bigint => t !== null))];
  const names = targets.length > 0 ? await options.symbolize(targets).catch(() => targets.map(() => null)) : [];
  const symbols = new Map<bigint, string>();
  targets.forEach((t, i) => {
    const name = names[i];
    if (name) symbols.set(t, name);
  });
  return { element: listingTable(listing, options.arch, symbols, options.field), current: listing.lines.find((l) => l.current) ?? null };
}

/** disassemble(), the element only. */
export async function disassemblyElement(options: DisassemblyOptions): Promise<HTMLElement> {
  return (await disassemble(options)).element;
}
