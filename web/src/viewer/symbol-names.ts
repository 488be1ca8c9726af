// Names for addresses in the viewer: "symdrv!SymFaultingFunction+0x10" when the dump's symbols (a PDB, or the
// image's exports) cover the address, else "symdrv.sys+0x1010" from the module list. The worker answers in batches;
// answers are kept, so a cursor that comes back to an address is named at once.
import type { DumpHandle } from '../api/types';
import type { ModuleMap } from './module-map';

/** The longest name shown in a cell or a status line (C++ names run to thousands of characters); the whole one is
 *  in the tooltip where the layout has one. */
export const MAX_SYMBOL = 96;

/** How many addresses one request to the worker names at most (the protocol takes up to 100,000). */
const BATCH = 4096;
/** Answers kept; past this the oldest go (a hex view scrolled over a whole stack asks for many). */
const KEEP = 16384;

export class SymbolNames {
  /** Address -> the function's name (with '!'), or null: no symbol covers it (module+offset is the answer). */
  private readonly known = new Map<bigint, string | null>();

  /** `enabled`: some module has symbols (PDB or exports); otherwise the worker is never asked. */
  constructor(private readonly dump: Pick<DumpHandle, 'symbolize'>, private readonly modules: ModuleMap, private readonly enabled: boolean) {}

  /** Whether a module of this dump has symbols at all. */
  get hasSymbols(): boolean {
    return this.enabled;
  }

  /** What is known now: a function's name already asked for, else module+offset, else null (outside every module). */
  now(address: bigint): string | null {
    return this.known.get(address) ?? this.modules.symbolize(address);
  }

  /** The best name of each address: module!function+0xoff, else module+offset, else null. */
  async names(addresses: readonly bigint[]): Promise<(string | null)[]> {
    if (this.enabled) {
      const wanted = [...new Set(addresses.filter((a) => !this.known.has(a) && this.modules.find(a) !== null))];
      for (let i = 0; i < wanted.length; i += BATCH) {
        const batch = wanted.slice(i, i + BATCH);
        let symbols: (string | null)[];
        try {
          symbols = await this.dump.symbolize(batch);
        } catch {
          symbols = [];  // a closed dump: module+offset is still a good answer, and is not asked for again
        }
        batch.forEach((address, j) => this.remember(address, symbols[j] ?? null));
      }
    }
    return addresses.map((a) => this.now(a));
  }

  /** True when the worker may know a better name for `address` than now() gives. */
  unknown(address: bigint): boolean {
    return this.enabled && !this.known.has(address) && this.modules.find(address) !== null;
  }

  /** The best name of one address. */
  async name(address: bigint): Promise<string | null> {
    return (await this.names([address]))[0]!;
  }

  private remember(address: bigint, symbol: string | null): void {
    if (this.known.size >= KEEP) this.known.delete(this.known.keys().next().value as bigint);
    // Only a function's name adds to module+offset ("symdrv+0x20" says no more than "symdrv.sys+0x20").
    this.known.set(address, symbol !== null && symbol.includes('!') ? symbol : null);
  }
}
