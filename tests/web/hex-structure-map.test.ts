// The file view's structure map: header fields over the regions around them, the innermost region, tints, and the
// labels the status line shows, on made-up layouts and on sample.dmp's real header fields.
import { describe, expect, it } from 'vitest';
import { openDumpInProcess } from '../../web/src/api/node';
import { StructureMap, describeStructure, regionTint } from '../../web/src/hex/structure-map';
import { fixture, paths } from '../wasm/support';

const fields = [
  { name: 'Signature', offset: 0, size: 4 },
  { name: 'ValidDump', offset: 4, size: 4 },
  { name: 'BugCheckCode', offset: 0x38, size: 4 },
  { name: 'KdSecondaryVersion', offset: 0x106d, size: 1 },
];
const regions = [
  { kind: 'header', name: 'Dump header', offset: 0n, size: 0x2000n },
  { kind: 'run-list', name: 'Run list (2 runs)', offset: 0x88n, size: 0x30n },
  { kind: 'bitmap', name: 'Page bitmap (65536 bits)', offset: 0x2038n, size: 0x2000n },
  { kind: 'page-data', name: 'Page data', offset: 0x4038n, size: 0x100000n },
];

describe('StructureMap', () => {
  const map = new StructureMap(fields, regions);

  it('names a header field with its offset and size', () => {
    const field = map.at(0x38n)!;
    expect(field.kind).toBe('field');
    expect(field.label).toBe('BugCheckCode (0x38, 4 bytes)');
    expect(map.at(0x3bn)).toBe(field);
    expect(describeStructure(field, 0x3an)).toBe('BugCheckCode (0x38, 4 bytes) +0x2');
    expect(map.at(0x106dn)!.label).toBe('KdSecondaryVersion (0x106d, 1 byte)');
  });

  it('tints fields alternately, in offset order', () => {
    expect(map.at(0n)!.tint).toBe('hex-field-even');
    expect(map.at(4n)!.tint).toBe('hex-field-odd');
    expect(map.at(0x38n)!.tint).toBe('hex-field-even');
  });

  it('falls back to the innermost region between fields', () => {
    expect(map.at(0x3cn)!.name).toBe('Dump header');
    expect(map.at(0x3cn)!.tint).toBe('');
    expect(map.at(0x90n)!.name).toBe('Run list (2 runs)');
    expect(map.at(0x90n)!.tint).toBe('hex-region-runs');
    expect(map.at(0xb8n)!.name).toBe('Dump header');
    expect(map.at(0x2038n)!.label).toBe('Page bitmap (65536 bits) (0x2038, 8 KiB)');
    expect(map.at(0x2000n)).toBeNull();
    expect(map.at(0x104037n)!.name).toBe('Page data');
    expect(map.at(0x104038n)).toBeNull();
  });

  it('lists the structures of a row in order', () => {
    const row = map.within(0x30n, 0x40n);
    expect(row.map((s) => [s.start, s.end, s.structure.name])).toEqual([
      [0x8n, 0x38n, 'Dump header'],
      [0x38n, 0x3cn, 'BugCheckCode'],
      [0x3cn, 0x88n, 'Dump header'],
    ]);
    expect(map.within(0x2000n, 0x2038n)).toEqual([]);
  });

  it('works with header fields alone (before fileLayout is available)', () => {
    const only = new StructureMap(fields, []);
    expect(only.at(0x39n)!.name).toBe('BugCheckCode');
    expect(only.at(0x3cn)).toBeNull();
  });

  it('gives each family of regions its tint', () => {
    expect(regionTint('bitmap-header')).toBe('hex-region-bitmap');
    expect(regionTint('triage-drivers')).toBe('hex-region-triage');
    expect(regionTint('rdmp-ranges')).toBe('hex-region-rdmp');
    expect(regionTint('page-data')).toBe('');
  });

  it('maps sample.dmp\'s header fields', async () => {
    const dump = await openDumpInProcess(fixture('sample.dmp'), { wasmPath: paths.wasm });
    try {
      const real = new StructureMap(dump.headerFields, []);
      expect(real.at(0x38n)!.label).toBe('BugCheckCode (0x38, 4 bytes)');
      expect(real.at(0x10n)!.label).toBe('DirectoryTableBase (0x10, 8 bytes)');
      expect(real.at(0x348n + 100n)!.name).toBe('ContextRecord');
    } finally {
      await dump.close();
    }
  });
});
