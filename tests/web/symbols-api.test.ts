// Symbol files through the TypeScript API (openDump in-process, the worker protocol's addSymbols, symbolize,
// resolveSymbol): the PDB as bytes or a Blob, matched by GUID/age whatever its name, unmatched files listed.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDumpInProcess } from '../../web/src/api/node';
import type { DumpHandle } from '../../web/src/api/types';
import { fixture, paths } from '../wasm/support';

const handles: DumpHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function open(name: string): Promise<DumpHandle> {
  const dump = await openDumpInProcess(fixture(name), { wasmPath: paths.wasm });
  handles.push(dump);
  return dump;
}

const bytes = (name: string) => new Uint8Array(readFileSync(fixture(name)));

describe('symbols through the API', () => {
  it('adds a PDB and an unrelated file; names reach the summary, symbolize and go-to', async () => {
    const dump = await open('symbols-x64.dmp');
    const before = await dump.summary();
    expect(before.culprit?.symbol).toMatch(/^symdrv\+0x/);
    expect(before.modules.find((m) => m.name === 'symdrv.sys')?.symbols).toBe('exports');

    const statuses = await dump.addSymbols([
      { name: 'renamed.pdb', data: new Blob([bytes('symdrv.pdb')]) },
      { name: 'arm.pdb', data: bytes('symdrva.pdb') },
      { name: 'readme.txt', data: new TextEncoder().encode('hello') },
    ]);
    expect(statuses.map((s) => [s.name, s.kind, s.used])).toEqual([
      ['renamed.pdb', 'pdb', true],
      ['arm.pdb', 'pdb', false],
      ['readme.txt', null, false],
    ]);
    expect(statuses[2]!.error).toMatch(/neither a PDB nor a PE image/);

    const after = await dump.summary();
    expect(after.culprit?.symbol).toBe('symdrv!SymFaultingFunction+0x10');
    const symdrv = after.modules.find((m) => m.name === 'symdrv.sys')!;
    expect(symdrv.symbols).toBe('pdb');
    expect(symdrv.image?.timeDateStampIsHash).toBe(true);
    expect(symdrv.reproducible).toBe(true);
    expect(symdrv.companyName).toBe('kdmpview test vendor');
    expect(symdrv.fileVersion).toBe('10.0.19041.1 (test.200101-0001)');

    const culprit = BigInt(after.culprit!.address);
    expect(await dump.symbolize([culprit, 0x10n])).toEqual(['symdrv!SymFaultingFunction+0x10', null]);
    expect(await dump.resolveSymbol('symdrv!SymFaultingFunction+0x10')).toBe(culprit);
    expect(await dump.resolveSymbol('symdrv!SymHelperStatic')).not.toBeNull();
    expect(await dump.resolveSymbol('nope!nothing')).toBeNull();
  });
});
