// Small dumps built in memory for the binding tests that need what the on-disk fixtures (build/fixtures) do not
// have: page tables for each paging scheme, and a triage dump with saved regions. Field offsets are those of
// /work/shared/formats.md. Physical pages hold the fixture writer's pattern (the u64 at gpa A is A), so a test can
// tell which physical address a read came from.

const PAGE = 0x1000;
const PAGE_FILL = 0x45474150; // "PAGE"

export class PhysicalPages {
  readonly pages = new Map<number, Uint8Array>();

  /** The page at pfn, created with the pattern when missing. */
  page(pfn: number): Uint8Array {
    let page = this.pages.get(pfn);
    if (!page) {
      page = new Uint8Array(PAGE);
      const view = new DataView(page.buffer);
      for (let off = 0; off < PAGE; off += 8) view.setBigUint64(off, BigInt(pfn * PAGE + off), true);
      this.pages.set(pfn, page);
    }
    return page;
  }

  addRange(firstPfn: number, count: number): void {
    for (let i = 0; i < count; ++i) this.page(firstPfn + i);
  }

  write(gpa: number, bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length;) {
      const at = gpa + done;
      const n = Math.min(bytes.length - done, PAGE - (at % PAGE));
      this.page(Math.floor(at / PAGE)).set(bytes.subarray(done, done + n), at % PAGE);
      done += n;
    }
  }

  write64(gpa: number, value: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, value, true);
    this.write(gpa, b);
  }

  write32(gpa: number, value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, true);
    this.write(gpa, b);
  }

  /** Sorted runs of present PFNs: [first, count]. */
  runs(): [number, number][] {
    const runs: [number, number][] = [];
    for (const pfn of [...this.pages.keys()].sort((a, b) => a - b)) {
      const last = runs[runs.length - 1];
      if (last && last[0] + last[1] === pfn) last[1] += 1;
      else runs.push([pfn, 1]);
    }
    return runs;
  }
}

export interface FullDumpSpec {
  machine: 'x64' | 'arm64' | 'x86' | 'x86-pae';
  dtb: number;
  memory: PhysicalPages;
}

function fillHeader(size: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < size; i += 4) view.setUint32(i, PAGE_FILL, true);
  return { bytes, view };
}

/** A full dump (DumpType 1): the header with its run list, then the pages in PFN order. */
export function buildFullDump(spec: FullDumpSpec): Uint8Array {
  const is64 = spec.machine === 'x64' || spec.machine === 'arm64';
  const headerSize = is64 ? 0x2000 : 0x1000;
  const { bytes: header, view } = fillHeader(headerSize);
  const runs = spec.memory.runs();
  const total = runs.reduce((n, r) => n + r[1], 0);
  view.setUint32(4, is64 ? 0x34365544 : 0x504d5544, true); // DU64 / DUMP
  view.setUint32(8, 0xf, true);
  view.setUint32(0xc, 19041, true);
  if (is64) {
    view.setBigUint64(0x10, BigInt(spec.dtb), true);
    for (const off of [0x18, 0x20, 0x28, 0x80]) view.setBigUint64(off, 0n, true);
    view.setUint32(0x30, spec.machine === 'x64' ? 0x8664 : 0xaa64, true);
    view.setUint32(0x34, 1, true);
    view.setUint32(0x38, 0x3b, true);
    view.setUint32(0x88, runs.length, true);
    view.setUint32(0x8c, 0, true);
    view.setBigUint64(0x90, BigInt(total), true);
    runs.forEach(([first, count], i) => {
      view.setBigUint64(0x98 + 16 * i, BigInt(first), true);
      view.setBigUint64(0xa0 + 16 * i, BigInt(count), true);
    });
    view.setUint32(0xf98, 1, true);
  } else {
    view.setUint32(0x10, spec.dtb, true);
    for (const off of [0x14, 0x18, 0x1c, 0x60]) view.setUint32(off, 0, true);
    view.setUint32(0x20, 0x14c, true);
    view.setUint32(0x24, 1, true);
    view.setUint32(0x28, 0x8e, true);
    header[0x5c] = spec.machine === 'x86-pae' ? 1 : 0;
    view.setUint32(0x64, runs.length, true);
    view.setUint32(0x68, total, true);
    runs.forEach(([first, count], i) => {
      view.setUint32(0x6c + 8 * i, first, true);
      view.setUint32(0x70 + 8 * i, count, true);
    });
    view.setUint32(0xf88, 1, true);
  }
  const out = new Uint8Array(headerSize + total * PAGE);
  out.set(header);
  let at = headerSize;
  for (const [first, count] of runs) {
    for (let i = 0; i < count; ++i, at += PAGE) out.set(spec.memory.page(first + i), at);
  }
  new DataView(out.buffer).setBigUint64(0xfa0, BigInt(out.length), true);
  return out;
}

/** Builds page tables for one scheme; table pages come from `nextPfn` upwards. */
export class PageTables {
  readonly memory = new PhysicalPages();
  readonly dtb: number;
  private nextPfn: number;

  constructor(readonly mode: FullDumpSpec['machine'], firstTablePfn = 0x100) {
    this.nextPfn = firstTablePfn;
    this.dtb = this.newTable();
  }

  private newTable(): number {
    const pfn = this.nextPfn++;
    this.memory.pages.set(pfn, new Uint8Array(PAGE));
    return pfn * PAGE;
  }

  private get levels(): { shifts: number[]; entrySize: number } {
    switch (this.mode) {
      case 'x64':
      case 'arm64': return { shifts: [39, 30, 21, 12], entrySize: 8 };
      case 'x86-pae': return { shifts: [30, 21, 12], entrySize: 8 };
      case 'x86': return { shifts: [22, 12], entrySize: 4 };
    }
  }

  private index(va: bigint, shift: number, level: number): number {
    const bits = this.mode === 'x86-pae' && level === 0 ? 2n : this.mode === 'x86' ? 10n : 9n;
    return Number((va >> BigInt(shift)) & ((1n << bits) - 1n));
  }

  private readEntry(gpa: number): bigint {
    const page = this.memory.page(Math.floor(gpa / PAGE));
    const view = new DataView(page.buffer);
    return this.levels.entrySize === 8 ? view.getBigUint64(gpa % PAGE, true) : BigInt(view.getUint32(gpa % PAGE, true));
  }

  private writeEntry(gpa: number, value: bigint): void {
    if (this.levels.entrySize === 8) this.memory.write64(gpa, value);
    else this.memory.write32(gpa, Number(value));
  }

  private tableEntry(tableGpa: number): bigint {
    if (this.mode === 'arm64') return BigInt(tableGpa) | 0b11n;
    if (this.mode === 'x86-pae') return BigInt(tableGpa) | 0x1n;  // PDPTEs: present only
    return BigInt(tableGpa) | 0x7n;  // present, writable, user: the leaf decides
  }

  private leafEntry(gpa: number, large: boolean): bigint {
    if (this.mode === 'arm64') return BigInt(gpa) | (large ? 0b01n : 0b11n) | (1n << 10n);  // AF
    return BigInt(gpa) | 0x3n | (large ? 0x80n : 0n);  // present, writable, supervisor
  }

  /** Maps the page at va (4 KiB, or one large page of the level above) to gpa; the data page gets the pattern. */
  map(va: bigint, gpa: number, pageSize = PAGE): void {
    const { shifts, entrySize } = this.levels;
    const leafLevel = shifts.indexOf(Math.log2(pageSize));
    if (leafLevel < 0) throw new Error(`no ${pageSize}-byte pages in ${this.mode}`);
    let table = this.dtb;
    for (let level = 0; level < leafLevel; ++level) {
      const entryGpa = table + this.index(va, shifts[level]!, level) * entrySize;
      let entry = this.readEntry(entryGpa);
      if ((entry & 1n) === 0n) {
        entry = this.tableEntry(this.newTable());
        this.writeEntry(entryGpa, entry);
      }
      table = Number(entry & 0x000f_ffff_ffff_f000n);
    }
    this.writeEntry(table + this.index(va, shifts[leafLevel]!, leafLevel) * entrySize, this.leafEntry(gpa, leafLevel < shifts.length - 1));
    for (let off = 0; off < pageSize; off += PAGE) this.memory.page((gpa + off) / PAGE);
  }

  build(): Uint8Array {
    return buildFullDump({ machine: this.mode, dtb: this.dtb, memory: this.memory });
  }
}

export interface TriageRegionSpec {
  va: bigint;
  bytes: Uint8Array;
}

/**
 * A 64-bit triage dump (DumpType 4) with a saved call stack and data blocks, and TRGD at ValidOffset. Region bytes
 * are laid out one after another from file offset 0x3000.
 */
export function buildTriageDump(callStack: TriageRegionSpec, dataBlocks: TriageRegionSpec[]): Uint8Array {
  const { bytes: header, view } = fillHeader(0x2000);
  view.setUint32(4, 0x34365544, true);
  view.setBigUint64(0x10, 0n, true);
  view.setUint32(0x30, 0x8664, true);
  view.setUint32(0x34, 1, true);
  view.setUint32(0x38, 0x3b, true);
  view.setUint32(0xf98, 4, true);
  const stackOffset = 0x3000;
  const blocksOffset = stackOffset + callStack.bytes.length;  // descriptors, then the blocks' bytes
  let dataAt = blocksOffset + 16 * dataBlocks.length;
  const placed = dataBlocks.map((b) => {
    const at = dataAt;
    dataAt += b.bytes.length;
    return at;
  });
  const size = dataAt + 4;
  const out = new Uint8Array(size);
  out.set(header);
  const v = new DataView(out.buffer);
  const t = 0x2000;
  v.setUint32(t + 0x04, size, true);             // SizeOfDump
  v.setUint32(t + 0x08, size - 4, true);         // ValidOffset
  v.setUint32(t + 0x28, stackOffset, true);      // CallStackOffset
  v.setUint32(t + 0x2c, callStack.bytes.length, true);
  v.setBigUint64(t + 0x48, callStack.va, true);  // TopOfStack
  v.setUint32(t + 0x78, blocksOffset, true);     // DataBlocksOffset
  v.setUint32(t + 0x7c, dataBlocks.length, true);
  out.set(callStack.bytes, stackOffset);
  dataBlocks.forEach((b, i) => {
    v.setBigUint64(blocksOffset + 16 * i, b.va, true);
    v.setUint32(blocksOffset + 16 * i + 8, placed[i]!, true);
    v.setUint32(blocksOffset + 16 * i + 12, b.bytes.length, true);
    out.set(b.bytes, placed[i]!);
  });
  v.setUint32(size - 4, 0x44475254, true);       // TRGD
  v.setBigUint64(0xfa0, BigInt(size), true);
  return out;
}
