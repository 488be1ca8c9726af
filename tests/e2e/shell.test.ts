// The viewer's frame in Chromium: the table of crashes for several files, tabs and the keyboard, the URL fragment,
// the summary export (compared with the CLI's JSON) and the plain-text report.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliSummary, fixture } from '../wasm/support';
import { openFixtures, poll, useViewerPage } from './harness';

const t = useViewerPage({ permissions: ['clipboard-read', 'clipboard-write'] });

interface CliSummary {
  tool: unknown;
  file?: string;
  bugcheck: { code: string; name: string };
  culprit: { module: string; offset: string } | null;
  header: { systemTime: string | null };
}

describe('several dumps at once', () => {
  it('lists them like BlueScreenView and opens the one picked', async () => {
    const { page } = t;
    await openFixtures(page, 'sample.dmp', 'system-x86.dmp', 'not-a-dump.bin');
    const rows = page.locator('[data-view="crash-list"] tbody tr');
    await poll(() => rows.count()).toBe(3);
    const sample = cliSummary(fixture('sample.dmp')) as unknown as CliSummary;
    const x86 = cliSummary(fixture('system-x86.dmp')) as unknown as CliSummary;
    const row = (name: string) => rows.filter({ has: page.getByRole('button', { name, exact: true }) });
    expect(await row('sample.dmp').locator('[data-field="bugcheck"]').textContent()).toBe(sample.bugcheck.name);
    expect(await row('sample.dmp').locator('[data-field="code"]').textContent()).toBe(sample.bugcheck.code);
    expect(await row('sample.dmp').locator('[data-field="driver"]').textContent()).toBe('baddrv.sys');
    expect(await row('sample.dmp').locator('[data-field="address"]').textContent()).toBe('baddrv.sys+0xabcd');
    expect(await row('system-x86.dmp').locator('[data-field="driver"]').textContent()).toBe(x86.culprit?.module ?? '');
    expect(await row('not-a-dump.bin').locator('[data-field="bugcheck"]').textContent()).toMatch(/^Not readable: /);
    expect(await row('not-a-dump.bin').getByRole('button').isDisabled()).toBe(true);

    // Sorting by file name, ascending then descending.
    const names = () => rows.locator('[data-field="file"]').allTextContents();
    await page.getByRole('button', { name: 'Dump file' }).click();
    expect(await names()).toEqual(['not-a-dump.bin', 'sample.dmp', 'system-x86.dmp']);
    await page.getByRole('button', { name: 'Dump file' }).click();
    expect(await names()).toEqual(['system-x86.dmp', 'sample.dmp', 'not-a-dump.bin']);

    await row('sample.dmp').getByRole('button', { name: 'sample.dmp' }).click();
    await poll(() => page.locator('[data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    expect(await page.locator('.dump-title').textContent()).toBe('sample.dmp');
    await page.getByRole('button', { name: /Back to the list of 3 dumps/ }).click();
    await poll(() => rows.count()).toBe(3);
  });

  it('keeps the culprit on screen: it comes before the parameters, and an unreadable file does not widen the table', async () => {
    const { page } = t;
    await openFixtures(page, 'sample.dmp', 'triage64.dmp', 'user-minidump.dmp');
    const rows = page.locator('[data-view="crash-list"] tbody tr');
    await poll(() => rows.count()).toBe(3);
    const columns = await page.locator('[data-view="crash-list"] th').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.column));
    expect(columns.slice(0, 7)).toEqual(['file', 'time', 'bugcheck', 'code', 'driver', 'address', 'parameter1']);
    // The long "not readable" reason spans every column after the file name, and wraps.
    const reason = rows.filter({ hasText: 'user-minidump.dmp' }).locator('[data-field="bugcheck"]');
    expect(await reason.textContent()).toMatch(/^Not readable: this is a user-mode minidump/);
    expect(await reason.getAttribute('colspan')).toBe(String(columns.length - 1));
    const culprit = rows.filter({ hasText: 'triage64.dmp' }).locator('[data-field="address"]');
    expect(await culprit.textContent()).toBe('baddrv.sys+0xabcd');
    const box = (await culprit.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
  });
});

describe('opening', () => {
  it('shows the keyboard focus on "Choose files…" when its hidden input has it', async () => {
    const { page } = t;
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('file-input');
    const outline = await page.locator('label[for="file-input"]').evaluate((label) => getComputedStyle(label).outlineStyle);
    expect(outline).toBe('solid');
  });
});

describe('an open dump', () => {
  it('moves between tabs with the mouse and the arrow keys, and keeps the view in the fragment', async () => {
    const { page } = t;
    await openFixtures(page, 'sample.dmp');
    const tab = (id: string) => page.locator(`[data-tab="${id}"]`);
    await poll(() => tab('crash').getAttribute('aria-selected')).toBe('true');
    await tab('modules').click();
    expect(await page.locator('[data-panel="modules"]').isVisible()).toBe(true);
    expect(await page.locator('[data-panel="crash"]').isVisible()).toBe(false);
    expect(new URL(page.url()).hash).toBe('#view=modules');
    await tab('modules').focus();
    await page.keyboard.press('ArrowRight');
    expect(await tab('processes').getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.tab)).toBe('processes');
    await page.keyboard.press('Home');
    expect(await tab('crash').getAttribute('aria-selected')).toBe('true');
  });

  it('reopens the place a link names once the dump is dropped again', async () => {
    const { page, server } = t;
    await page.goto(`${server.url}#view=hex&space=file&address=0x38&length=4`);
    await openFixtures(page, 'sample.dmp');
    await poll(() => page.locator('[data-tab="hex"]').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('[data-panel="hex"]').isVisible()).toBe(true);
    // The hex view writes its place into the fragment once it has laid out: wait for it, not for a time.
    await poll(() => new URL(page.url()).hash).toContain('space=file');
    expect(new URL(page.url()).hash).toContain('address=0x38');
  });

  it('gives the next dump opened its own first screen, not the hex place of the one before (the same file keeps it)', async () => {
    const { page } = t;
    await page.goto(`${t.server.url}#view=hex&space=virtual&address=0xfffff8031234abcd&length=4`);
    await openFixtures(page, 'sample.dmp');
    await poll(() => page.locator('[data-panel="hex"] [data-field="hexCursor"]').textContent()).toBe('0xfffff8031234abcd');
    await poll(() => new URL(page.url()).hash).toContain('dtb=0x100002');
    // Another dump: its own first screen, not sample.dmp's address and page tables.
    await openFixtures(page, 'system-x86.dmp');
    await poll(() => page.locator('.dump-title').textContent()).toBe('system-x86.dmp');
    await poll(() => page.locator('[data-tab="crash"]').getAttribute('aria-selected')).toBe('true');
    expect(new URL(page.url()).hash).toBe('#view=crash');
    // The same file again, at a place of its own: the place comes back.
    await page.locator('[data-tab="modules"]').click();
    await openFixtures(page, 'system-x86.dmp');
    await poll(() => page.locator('[data-tab="modules"]').getAttribute('aria-selected')).toBe('true');
  });

  it('keeps its tabs on one row in an 800px window', async () => {
    const { page } = t;
    await page.setViewportSize({ width: 800, height: 700 });
    await openFixtures(page, 'sample.dmp');
    await poll(() => page.locator('[data-tab]').count()).toBe(9);
    const tops = await page.locator('[data-tab]').evaluateAll((tabs) => tabs.map((tab) => Math.round(tab.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
  });

  it('exports the summary JSON, the same document as the CLI prints', async () => {
    const { page } = t;
    await openFixtures(page, 'sample.dmp');
    await poll(() => page.locator('[data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export-json"]').click()]);
    expect(download.suggestedFilename()).toBe('sample.summary.json');
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown>;
    const cli = cliSummary(fixture('sample.dmp'));
    const { tool: _a, file: exportedFile, ...exportedRest } = exported;
    const { tool: _b, file: _c, ...cliRest } = cli;
    expect(exportedFile).toBe('sample.dmp');
    expect(exportedRest).toEqual(cliRest);
  });

  it('exports faultingContext and the stack from the lowest saved address, as the CLI prints them', async () => {
    const { page } = t;
    await openFixtures(page, 'triage-arm.dmp');
    await poll(() => page.locator('[data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export-json"]').click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown>;
    const cli = cliSummary(fixture('triage-arm.dmp'));
    const { tool: _a, file: _f, ...exportedRest } = exported;
    const { tool: _b, file: _c, ...cliRest } = cli;
    expect(exportedRest).toEqual(cliRest);
    expect(exportedRest['faultingContext']).toMatchObject({ source: 'bug check 0x1000007E parameter 4 (context record)' });
  });

  it('copies a plain-text crash report for a ticket', async () => {
    const { page } = t;
    await openFixtures(page, 'sample.dmp');
    await poll(() => page.locator('[data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    await page.locator('[data-action="copy-report"]').click();
    await poll(() => page.locator('[role="status"]').textContent()).toBe('Copied the crash report as plain text.');
    const report = await page.evaluate(() => navigator.clipboard.readText());
    const sample = cliSummary(fixture('sample.dmp')) as unknown as CliSummary;
    expect(report).toContain('sample.dmp');
    expect(report).toContain(sample.bugcheck.name);
    expect(report).toContain('baddrv.sys+0xabcd');
  });
});
