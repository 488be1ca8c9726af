// Symbol files in the viewer (Chromium): a PDB picked after the dump, or with it, names the culprit and the stack;
// files that match nothing are listed. The names are known by construction (symbols-x64.dmp, symbol_system.hpp).
import { describe, expect, it } from 'vitest';
import { openFixtures, poll, useViewerPage } from './harness';

const t = useViewerPage();

const culpritAddress = () => t.page.locator('[data-panel="crash"] [data-field="culpritAddress"]').textContent();
const status = () => t.page.locator('[data-role="status"]').textContent();

describe('symbol files', () => {
  it('a PDB picked after the dump names the culprit; an unrelated PDB is listed as unmatched', async () => {
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x[0-9a-f]+ \(0x/);
    await openFixtures(t.page, 'symdrv.pdb', 'symdrva.pdb');
    await poll(culpritAddress).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);
    await poll(status).toBe('Symbols: 1 file(s) matched a module. Unmatched: symdrva.pdb.');
    await t.page.locator('[data-tab="stack"]').click();
    await poll(() => t.page.locator('[data-panel="stack"] [data-field="stackSymbol"]').allTextContents())
      .toEqual(expect.arrayContaining(['symdrv!SymExportedEntry+0x10', 'symdrv!SymHelperStatic+0x20']));
  });

  it('a PDB picked with the dump applies as it opens', async () => {
    await openFixtures(t.page, 'symbols-arm64.dmp', 'symdrva.pdb');
    await poll(culpritAddress).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);
  });
});
