// The file view's map of the dump's structures: which header field or file region each byte belongs to, for tints,
// tooltips and the status line. Regions nest (the run list sits inside the header); the innermost one names a byte.
import type { FileRegion, HeaderField } from '../api/types';
import { exactSize } from './hex-format';

export interface Structure {
  /** "field" for a header field, else the region's kind ("bitmap", "run-list", "triage-drivers", ...). */
  kind: string;
  name: string;
  offset: bigint;
  size: bigint;
  /** The CSS class its bytes get ('' for none: page data is most of the file). */
  tint: string;
  /** "BugCheckCode (0x38, 4 bytes)" */
  label: string;
}

/** The class of a region's bytes by kind: one tint per family of structures. */
export function regionTint(kind: string): string {
  if (kind === 'header' || kind === 'page-data') return '';
  if (kind.startsWith('bitmap')) return 'hex-region-bitmap';
  if (kind === 'run-list') return 'hex-region-runs';
  if (kind.startsWith('rdmp')) return 'hex-region-rdmp';
  if (kind.startsWith('triage')) return 'hex-region-triage';
  return 'hex-region-other';
}

function sizeText(size: bigint): string {
  return exactSize(Number(size));
}

/** What the status line says about `offset` inside `structure`: its label, and how far in when not at its start. */
export function describeStructure(structure: Structure, offset: bigint): string {
  const into = offset - structure.offset;
  return into > 0n ? `${structure.label} +0x${into.toString(16)}` : structure.label;
}

interface Segment {
  start: bigint;
  end: bigint;
  structure: Structure;
}

export class StructureMap {
  /** Non-overlapping, sorted: each stretch of the file names its innermost structure. */
  private readonly segments: Segment[];

  constructor(fields: HeaderField[], regions: FileRegion[]) {
    const structures: Structure[] = [];
    const sortedFields = [...fields].filter((f) => f.size > 0).sort((a, b) => a.offset - b.offset);
    sortedFields.forEach((field, index) => {
      const offset = BigInt(field.offset);
      const size = BigInt(field.size);
      structures.push({
        kind: 'field',
        name: field.name,
        offset,
        size,
        tint: index % 2 === 0 ? 'hex-field-even' : 'hex-field-odd',
        label: `${field.name} (0x${offset.toString(16)}, ${sizeText(size)})`,
      });
    });
    for (const region of regions) {
      if (region.size <= 0n) continue;
      structures.push({
        kind: region.kind,
        name: region.name,
        offset: region.offset,
        size: region.size,
        tint: regionTint(region.kind),
        label: `${region.name} (0x${region.offset.toString(16)}, ${sizeText(region.size)})`,
      });
    }
    this.segments = flatten(structures);
  }

  /** The innermost structure holding the byte at `offset` (a header field before the region around it), or null. */
  at(offset: bigint): Structure | null {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.start <= offset) lo = mid + 1;
      else hi = mid;
    }
    const segment = this.segments[lo - 1];
    return segment && offset < segment.end ? segment.structure : null;
  }

  /** The structures in [start, end), in order (for a row: one lookup per change, not per byte). */
  within(start: bigint, end: bigint): { start: bigint; end: bigint; structure: Structure }[] {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.end <= start) lo = mid + 1;
      else hi = mid;
    }
    const out: { start: bigint; end: bigint; structure: Structure }[] = [];
    for (let i = lo; i < this.segments.length && this.segments[i]!.start < end; ++i) out.push(this.segments[i]!);
    return out;
  }

  get count(): number {
    return this.segments.length;
  }
}

/** A field beats any region; among regions the smallest (innermost) wins. */
function inner(a: Structure, b: Structure): Structure {
  if ((a.kind === 'field') !== (b.kind === 'field')) return a.kind === 'field' ? a : b;
  return b.size < a.size ? b : a;
}

/** Cuts overlapping structures into sorted, non-overlapping segments, each naming its innermost structure. A sweep
 *  over the boundaries keeps only the structures open at each one (nesting is shallow). */
function flatten(structures: Structure[]): Segment[] {
  const bounds = [...new Set(structures.flatMap((s) => [s.offset, s.offset + s.size]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const byStart = [...structures].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  const segments: Segment[] = [];
  let open: Structure[] = [];
  let next = 0;
  for (let i = 0; i + 1 < bounds.length; ++i) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    while (next < byStart.length && byStart[next]!.offset <= start) open.push(byStart[next++]!);
    open = open.filter((s) => s.offset + s.size > start);
    if (open.length === 0) continue;
    const structure = open.reduce(inner);
    const last = segments[segments.length - 1];
    if (last && last.structure === structure && last.end === start) last.end = end;
    else segments.push({ start, end, structure });
  }
  return segments;
}
