// Sorting and filtering of the modules table, on the sample dump's ten kernel and user modules.
import { describe, expect, it } from 'vitest';
import { moduleMatches, sortModules } from '../../web/src/panels/module-table';
import type { Summary } from '../../web/src/summary';
import { cliSummary, fixture } from '../wasm/support';

const modules = (cliSummary(fixture('sample.dmp')) as unknown as Summary).modules;
const order = (column: Parameters<typeof sortModules>[1], direction: 'ascending' | 'descending') =>
  sortModules(modules, column, direction).map((i) => modules[i]!.name);

describe('sortModules', () => {
  it('keeps the summary order (by base) for base ascending', () => {
    expect(order('base', 'ascending')).toEqual(modules.map((m) => m.name));
    expect(order('base', 'descending')).toEqual(modules.map((m) => m.name).reverse());
  });

  it('sorts names case-insensitively', () => {
    expect(order('name', 'ascending')).toEqual(['app.exe', 'baddrv.sys', 'hal.dll', 'kbdhid.sys', 'kd.dll', 'KERNEL32.DLL', 'ndis.sys', 'ntdll.dll', 'Ntfs.sys', 'ntoskrnl.exe']);
  });

  it('sorts sizes as numbers, not as text', () => {
    expect(order('size', 'descending').slice(0, 3)).toEqual(['ntoskrnl.exe', 'Ntfs.sys', 'ntdll.dll']);
    expect(order('size', 'ascending').slice(0, 3)).toEqual(['kd.dll', 'kbdhid.sys', 'baddrv.sys']);
  });

  it('breaks ties by base (kind: kernel before user, each by base)', () => {
    const kernelFirst = order('kind', 'ascending');
    expect(kernelFirst).toEqual(['baddrv.sys', 'ntoskrnl.exe', 'ndis.sys', 'Ntfs.sys', 'kbdhid.sys', 'kd.dll', 'hal.dll', 'app.exe', 'KERNEL32.DLL', 'ntdll.dll']);
  });

  it('sorts by end and by timestamp', () => {
    expect(order('end', 'descending')[0]).toBe('hal.dll');
    // 0x3e1f0a9c (2003) is the oldest timestamp, 0x9e0c2fd4 the newest.
    expect(order('timestamp', 'ascending')[0]).toBe('KERNEL32.DLL');
    expect(order('timestamp', 'descending')[0]).toBe('kd.dll');
  });

  it('stays fast and stable with 500 modules', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ ...modules[i % modules.length]!, base: `0x${(0x10000 * (i + 1)).toString(16)}` as const }));
    const sorted = sortModules(many, 'name', 'ascending');
    expect(new Set(sorted).size).toBe(500);
    // Equal names come out by ascending base.
    const hal = sorted.filter((i) => many[i]!.name === 'hal.dll');
    expect(hal).toEqual([...hal].sort((a, b) => a - b));
  });
});

describe('moduleMatches', () => {
  const shown = (text: string, kind = '') => modules.filter((m) => moduleMatches(m, { text, kind })).map((m) => m.name);

  it('matches a substring of the name or the path, any case', () => {
    expect(shown('NT')).toEqual(['ntdll.dll', 'ntoskrnl.exe', 'Ntfs.sys']);
    expect(shown('program files')).toEqual(['app.exe']);
    expect(shown('drivers\\')).toEqual(['baddrv.sys', 'ndis.sys', 'Ntfs.sys', 'kbdhid.sys']);
    expect(shown('  ')).toHaveLength(10);
    expect(shown('nothing-like-this')).toEqual([]);
  });

  it('filters by kind, with the text', () => {
    expect(shown('', 'user')).toEqual(['app.exe', 'KERNEL32.DLL', 'ntdll.dll']);
    expect(shown('nt', 'kernel')).toEqual(['ntoskrnl.exe', 'Ntfs.sys']);
  });
});
