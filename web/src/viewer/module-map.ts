// Loaded modules by address and by name: "nt+0x1234" for an address, the base of "nt" or "baddrv.sys" for go-to.
import type { SummaryModule } from '../summary';

export interface ModuleHit {
  module: SummaryModule;
  offset: bigint;
}

interface Span {
  base: bigint;
  end: bigint;
  module: SummaryModule;
}

/** The short name WinDbg uses: the file name without its extension ("ntoskrnl.exe" -> "ntoskrnl"). */
export function moduleShortName(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name).toLowerCase();
}

export class ModuleMap {
  /** Sorted by base, so find() is a binary search. */
  private readonly spans: Span[];
  private readonly names = new Map<string, SummaryModule>();

  constructor(readonly modules: SummaryModule[]) {
    this.spans = modules
      .map((module) => ({ base: BigInt(module.base), end: BigInt(module.base) + BigInt(module.size), module }))
      .filter((s) => s.end > s.base)
      .sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
    for (const module of modules) {
      for (const key of [module.name.toLowerCase(), moduleShortName(module.name)]) {
        if (!this.names.has(key)) this.names.set(key, module);
      }
    }
    // WinDbg calls the kernel "nt" whatever its file is named (ntoskrnl.exe, ntkrnlmp.exe, ntkrla57.exe).
    const kernel = modules.find((m) => /^nt(oskrnl|krnl|krla)/i.test(m.name));
    if (kernel && !this.names.has('nt')) this.names.set('nt', kernel);
  }

  /** The module holding `address`, and the offset into it. */
  find(address: bigint): ModuleHit | null {
    let lo = 0;
    let hi = this.spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[mid]!.base <= address) lo = mid + 1;
      else hi = mid;
    }
    const span = this.spans[lo - 1];
    return span && address < span.end ? { module: span.module, offset: address - span.base } : null;
  }

  /** A module by file name or short name, case-insensitive ("NT", "ntoskrnl.exe", "baddrv"). */
  byName(name: string): SummaryModule | null {
    return this.names.get(name.toLowerCase()) ?? null;
  }

  /** "baddrv.sys+0xabcd", or null outside every module. */
  symbolize(address: bigint): string | null {
    const hit = this.find(address);
    return hit ? `${hit.module.name}+0x${hit.offset.toString(16)}` : null;
  }
}
