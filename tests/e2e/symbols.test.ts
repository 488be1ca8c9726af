// Symbol files in the viewer (Chromium): a PDB picked after the dump, or with it, names the culprit and the stack,
// the registers, the inspector's pointer row and the hex view's status line; go-to takes module!function; the modules
// table shows where names come from, the PDB identity, the version and the REPRO mark; files that match nothing are
// listed; kept files come back after a reload until forgotten. The names are known by construction (symbols-x64.dmp,
// symbol_system.hpp) and checked against `kdmp-parser --json --symbols`.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../../web/src/summary';
import { fixture, paths } from '../wasm/support';
import { openFixtures, poll, useViewerPage } from './harness';

const t = useViewerPage();

const culpritAddress = () => t.page.locator('[data-panel="crash"] [data-field="culpritAddress"]').textContent();
const status = () => t.page.locator('[data-role="status"]').textContent();
const hex = (selector: string) => t.page.locator(`[data-panel="hex"] ${selector}`);

/** What the CLI says of the dump with the fixtures folder (symdrv.pdb, symdrva.pdb) as its symbol path. */
function cliWithSymbols(name: string): Summary {
  return JSON.parse(execFileSync(paths.cli, ['--json', '--symbols', paths.fixtures, fixture(name)], { encoding: 'utf8' })) as Summary;
}

async function openWithPdb(): Promise<void> {
  await openFixtures(t.page, 'symbols-x64.dmp');
  await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x[0-9a-f]+ \(0x/);
  await openFixtures(t.page, 'symdrv.pdb');
  await poll(culpritAddress).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);
}

async function goto(text: string): Promise<void> {
  const box = hex('.hex-goto');
  await box.fill(text);
  await box.press('Enter');
}

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

  it('the registers name the function the instruction pointer is in', async () => {
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x/);
    await t.page.locator('[data-tab="registers"]').click();
    // Before the PDB: module+offset (no export covers the fault).
    await poll(() => t.page.locator('[data-field="register-rip-symbol"]').textContent()).toMatch(/^symdrv\.sys\+0x[0-9a-f]+$/);
    await openFixtures(t.page, 'symdrv.pdb');
    await poll(() => t.page.locator('[data-field="register-rip-symbol"]').textContent()).toBe('symdrv!SymFaultingFunction+0x10');
    // The tab stayed where the user was.
    expect(await t.page.locator('[data-tab="registers"]').getAttribute('aria-selected')).toBe('true');
    const cli = cliWithSymbols('symbols-x64.dmp');
    expect(cli.culprit?.symbol).toBe('symdrv!SymFaultingFunction+0x10');
    expect(await t.page.locator('[data-field="register-rip"]').textContent()).toBe(cli.context!['rip']);
  });

  it('the inspector\'s pointer row and the status line name what a stack slot points to', async () => {
    await openWithPdb();
    const cli = cliWithSymbols('symbols-x64.dmp');
    const slot = cli.stack!.entries.find((e) => e.symbol === 'symdrv!SymExportedEntry+0x10')!;
    expect(slot).toBeDefined();
    await t.page.locator('[data-tab="hex"]').click();
    await hex('[data-space="virtual"]').click();
    await goto(slot.stackAddress);
    await poll(() => hex('[data-field="hexCursor"]').textContent()).toBe(slot.stackAddress);
    await poll(() => hex('.inspector-follow').textContent()).toBe(`0x${BigInt(slot.value).toString(16).padStart(16, '0')} (symdrv!SymExportedEntry+0x10)`);
    // Following the pointer: the status line names the code it lands in.
    await hex('.inspector-follow').click();
    await poll(() => hex('[data-field="hexCursor"]').textContent()).toBe(slot.value);
    await poll(() => hex('[data-field="hexSymbol"]').textContent()).toBe('symdrv!SymExportedEntry+0x10');
  });

  it('go-to takes module!function and module!function+offset', async () => {
    await openWithPdb();
    const rip = BigInt(cliWithSymbols('symbols-x64.dmp').context!['rip']!);
    await t.page.locator('[data-tab="hex"]').click();
    await goto('symdrv!SymFaultingFunction+0x10');
    await poll(() => hex('[data-field="hexCursor"]').textContent()).toBe(`0x${rip.toString(16)}`);
    await goto('symdrv!SymFaultingFunction');
    await poll(() => hex('[data-field="hexCursor"]').textContent()).toBe(`0x${(rip - 0x10n).toString(16)}`);
    expect(await hex('[data-field="hexSymbol"]').textContent()).toBe('symdrv!SymFaultingFunction');
    // From the file view, a function names a virtual address: the view moves there.
    await hex('[data-space="file"]').click();
    await goto('symdrv!SymHelperStatic+4');
    await poll(() => hex('[data-space="virtual"]').getAttribute('aria-pressed')).toBe('true');
    await poll(() => hex('[data-field="hexSymbol"]').textContent()).toBe('symdrv!SymHelperStatic+0x4');
    // Unknown names say what is missing.
    await goto('symdrv!NoSuchFunction');
    await poll(() => hex('[data-role="goto-error"]').textContent()).toBe('"symdrv!NoSuchFunction": no symbol of symdrv has that name (add its PDB, or the image if the dump lacks it)');
    await goto('nosuch!Function');
    await poll(() => hex('[data-role="goto-error"]').textContent()).toBe('"nosuch!Function": "nosuch" is not a loaded module');
  });

  it('the modules table shows the symbol source, the PDB and its GUID/age, the version and the REPRO mark', async () => {
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x/);
    await t.page.locator('[data-tab="modules"]').click();
    const symdrv = t.page.locator('[data-panel="modules"] tr[data-module="symdrv.sys"]');
    const field = (name: string) => symdrv.locator(`[data-field="${name}"]`).textContent();
    // Before the PDB: the image's exports.
    await poll(() => field('moduleSymbols')).toBe('exports');
    const cli = cliWithSymbols('symbols-x64.dmp');
    const image = cli.modules.find((m) => m.name === 'symdrv.sys')!.image!;
    expect(await field('modulePdb')).toBe(image.pdb!.name.split(/[\\/]/).pop());
    expect(await field('modulePdbId')).toBe(`${image.pdb!.guid.replace(/-/g, '')}${image.pdb!.age.toString(16)}`.toUpperCase());
    expect(await field('modulePdbId')).toMatch(/^[0-9A-F]{33,40}$/);
    expect(await field('moduleVersion')).toBe(image.version!.fileVersion);
    // Linked /Brepro: the timestamp is a hash, and the row says so.
    expect(image.timeDateStampIsHash).toBe(true);
    expect(await field('moduleReproMark')).toBe('hash, not a date');
    // A module without an image header in the dump: no PDB, no version, no symbols.
    const nt = t.page.locator('[data-panel="modules"] tbody tr').filter({ has: t.page.locator('[data-field="moduleSymbols"]', { hasText: /^none$/ }) });
    expect(await nt.count()).toBeGreaterThan(0);
    // With the PDB: the source becomes "pdb"; the filter finds the module by its PDB's name.
    await openFixtures(t.page, 'symdrv.pdb');
    await poll(() => field('moduleSymbols')).toBe('pdb');
    expect(cli.modules.find((m) => m.name === 'symdrv.sys')!.symbols).toBe('pdb');
    await t.page.locator('[data-field="moduleSearch"]').fill('symdrv.pdb');
    await poll(() => t.page.locator('[data-field="moduleCount"]').textContent()).toMatch(/^1 of \d+ modules$/);
  });

  it('kept symbol files come back after a reload, until they are forgotten', async () => {
    await t.page.locator('[data-role="symbol-menu"] > summary').click();
    expect(await t.page.locator('[data-field="keepSymbols"]').isChecked()).toBe(false);
    await t.page.locator('[data-field="keepSymbols"]').check();
    await t.page.locator('[data-role="symbol-input"]').setInputFiles(fixture('symdrv.pdb'));
    await poll(() => t.page.locator('[data-field="symbolFiles"] li').allTextContents()).toEqual(['symdrv.pdb']);
    // Stored before the viewer says it keeps them.
    await poll(status).toBe('1 symbol file(s) kept: they name the modules of the next dump opened.');

    // The next visit: the PDB names the culprit of a dump opened on its own.
    await t.page.reload();
    await poll(() => t.page.locator('[data-role="symbol-menu"] > summary').textContent()).toBe('Symbols (1)');
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);

    // Forget: the next visit has no symbol files.
    await t.page.locator('[data-role="symbol-menu"] > summary').click();
    expect(await t.page.locator('[data-field="keepSymbols"]').isChecked()).toBe(true);
    await t.page.locator('[data-action="forget-symbols"]').click();
    await poll(status).toMatch(/^Forgot the stored symbol files/);
    expect(await t.page.locator('[data-field="keepSymbols"]').isChecked()).toBe(false);
    await t.page.reload();
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x[0-9a-f]+ \(0x/);
    expect(await t.page.locator('[data-role="symbol-menu"] > summary').textContent()).toBe('Symbols');
    expect(await t.page.evaluate(() => localStorage.getItem('kdmpview.keepSymbols'))).toBeNull();
  });

  it('without the choice, nothing is stored', async () => {
    await openFixtures(t.page, 'symbols-x64.dmp', 'symdrv.pdb');
    await poll(culpritAddress).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);
    await t.page.reload();
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x[0-9a-f]+ \(0x/);
    const stored = await t.page.evaluate(() => new Promise<number>((resolve) => {
      const open = indexedDB.open('kdmpview-symbols');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('files')) {
          db.close();
          resolve(0);
          return;
        }
        const count = db.transaction('files').objectStore('files').count();
        count.onsuccess = () => {
          db.close();
          resolve(count.result);
        };
      };
    }));
    expect(stored).toBe(0);
  });
});
