// Symbols through the wasm binding: a dump holding the real symdrv.sys (make-fixtures --images) and its PDB handed
// over as byte sources. The names are known by construction (symbol_system.hpp); the summary must equal the native
// CLI's with the same PDB on its symbol path.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DumpHandle } from '@wasm/kdmpview';
import { BytesSource } from '@wasm/bytes-source';
import { NodeFileSource } from '@wasm/node-file-source';
import { fixture, loadModule, paths } from './support';

const opened: DumpHandle[] = [];
const sources: NodeFileSource[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.delete();
  for (const s of sources.splice(0)) s.close();
});

async function openFixture(name: string): Promise<DumpHandle> {
  const source = new NodeFileSource(fixture(name));
  sources.push(source);
  const result = (await loadModule()).open(source);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  opened.push(result.dump);
  return result.dump;
}

function fileSource(name: string): NodeFileSource {
  const s = new NodeFileSource(fixture(name));
  sources.push(s);
  return s;
}

const cases = [
  { dump: 'symbols-x64.dmp', pdb: 'symdrv.pdb', other: 'symdrva.pdb', sys: 'symdrv.sys' },
  { dump: 'symbols-arm64.dmp', pdb: 'symdrva.pdb', other: 'symdrv.pdb', sys: 'symdrva.sys' },
];

describe.each(cases)('symbols in $dump', ({ dump: name, pdb, other, sys }) => {
  it('without symbol files: exports and module+offset', async () => {
    const dump = await openFixture(name);
    const summary = JSON.parse(dump.summaryJson());
    const sym = summary.modules.find((m: { name: string }) => m.name === 'symdrv.sys');
    expect(sym.symbols).toBe('exports');
    expect(sym.image.headerPresent).toBe(true);
    expect(summary.culprit.symbol).toMatch(/^symdrv\+0x[0-9a-f]+$/);
  });

  it('with the PDB (read in place from a file source): names everywhere, the other PDB unmatched', async () => {
    const dump = await openFixture(name);
    expect(dump.addSymbolFile('other.pdb', fileSource(other))).toEqual({ ok: true, kind: 'pdb' });
    expect(dump.addSymbolFile(pdb, fileSource(pdb))).toEqual({ ok: true, kind: 'pdb' });
    expect(dump.addSymbolFile('image.sys', fileSource(sys))).toEqual({ ok: true, kind: 'image' });
    const junk = dump.addSymbolFile('notes.txt', new BytesSource(new TextEncoder().encode('not a symbol file')));
    expect(junk.ok).toBe(false);

    const summary = JSON.parse(dump.summaryJson());
    expect(summary.culprit.symbol).toBe('symdrv!SymFaultingFunction+0x10');
    const symbols = summary.stack.entries.map((e: { symbol: string }) => e.symbol);
    expect(symbols).toContain('symdrv!SymExportedEntry+0x10');
    expect(symbols).toContain('symdrv!SymHelperStatic+0x20');
    const sym = summary.modules.find((m: { name: string }) => m.name === 'symdrv.sys');
    expect(sym.symbols).toBe('pdb');
    expect(sym.image.pdb.name).toMatch(new RegExp(`${pdb.replace('.', '\\.')}$`));
    expect(sym.image.version.companyName).toBe('kdmpview test vendor');

    const address = summary.culprit.address as `0x${string}`;
    expect(dump.symbolize(address)).toEqual({ ok: true, symbol: 'symdrv!SymFaultingFunction+0x10', source: 'pdb' });
    expect(dump.resolveSymbol('symdrv!SymFaultingFunction+0x10')).toEqual({ ok: true, address });
    expect(dump.resolveSymbol('symdrv!NoSuchThing')).toEqual({ ok: true, address: null });
    expect(dump.symbolize('0x10')).toEqual({ ok: true, symbol: null, source: 'none' });
    expect(dump.symbolize('nonsense' as `0x${string}`).ok).toBe(false);
    // The image's header is in the dump, so the image file was not needed; the other build's PDB matched nothing.
    expect(dump.symbolFiles()).toEqual([
      { name: 'other.pdb', kind: 'pdb', used: false },
      { name: pdb, kind: 'pdb', used: true },
      { name: 'image.sys', kind: 'image', used: false },
    ]);

    // The native CLI with the same PDB on its symbol path says the same.
    const cli = JSON.parse(
      execFileSync(paths.cli, ['--json', '--symbols', paths.fixtures, fixture(name)], {
        encoding: 'utf8',
        env: { ...process.env, _NT_SYMBOL_PATH: '' },
      }),
    );
    const { tool: _a, file: _c, ...fromCli } = cli;
    const { tool: _b, file: _d, ...fromWasm } = summary;
    expect(fromWasm).toEqual(fromCli);
  });

  it('the PDB bytes also work from memory', async () => {
    const dump = await openFixture(name);
    expect(dump.addSymbolFile(pdb, new BytesSource(new Uint8Array(readFileSync(fixture(pdb))))).ok).toBe(true);
    expect(JSON.parse(dump.summaryJson()).culprit.symbol).toBe('symdrv!SymFaultingFunction+0x10');
  });
});
