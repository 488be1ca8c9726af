// The viewer as an analyst's workbench (issue 15) in Chromium: the table of crashes at 1366 px, folders read in
// parallel workers with an overview whose bars filter the table and CSV/JSON exports, Back and Forward, the
// full-height hex view, hostile strings, the decoded exception on the first screen, and dead controls disabled.
import { cpSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliSummary, fixture } from '../wasm/support';
import { openFixtures, poll, useViewerPage } from './harness';

const t = useViewerPage({ viewport: { width: 1366, height: 768 } });

const NINE = ['sample.dmp', 'triage64.dmp', 'triage32.dmp', 'system-x86.dmp', 'system-arm64.dmp', 'system-x64-bitmap.dmp',
  'system-culprit-ip.dmp', 'system-culprit-stack.dmp', 'system-culprit-exception.dmp'];

/** A folder with the nine dumps in a subfolder, one under a long name, and a file that is no dump. */
const folder = mkdtempSync(path.join(tmpdir(), 'kdmp-folder-'));
mkdirSync(path.join(folder, 'Minidump', 'older'), { recursive: true });
for (const name of NINE.slice(0, 6)) cpSync(fixture(name), path.join(folder, 'Minidump', name));
for (const name of NINE.slice(6)) cpSync(fixture(name), path.join(folder, 'Minidump', 'older', name));
const LONG = `crash-report-of-the-build-machine-in-the-basement-${'x'.repeat(60)}-final.dmp`;
cpSync(fixture('sample.dmp'), path.join(folder, 'Minidump', LONG));
cpSync(fixture('not-a-dump.bin'), path.join(folder, 'Minidump', 'notes.bin'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const rows = () => t.page.locator('[data-view="crash-list"] tbody tr');

async function openFolder(): Promise<void> {
  await t.page.locator('[data-role="folder-input"]').setInputFiles(path.join(folder, 'Minidump'));
  await poll(() => rows().count()).toBe(11);
}

describe('the table of crashes (1)', () => {
  it('shows the culprit at 1366 px, shortens long names in the middle, and lets the user hide columns', async () => {
    const { page } = t;
    await openFolder();
    for (const field of ['file', 'driver', 'address']) {
      const right = await rows().first().locator(`[data-field="${field}"]`).evaluate((c) => c.getBoundingClientRect().right);
      expect(right, field).toBeLessThanOrEqual(1366);
    }
    const long = rows().locator('[data-field="file"] button[title*="basement"]');
    expect(await long.count()).toBe(1);
    expect(await long.getAttribute('title')).toBe(`Minidump/${LONG}`);
    expect([...(await long.textContent())!].length).toBe(36);
    // Hide the code column: its cells go, the culprit stays.
    await page.getByText('Columns', { exact: true }).click();
    await page.locator('[data-role="column-menu"] input[data-column="code"]').uncheck();
    expect(await page.locator('[data-view="crash-list"] th[data-column="code"]').count()).toBe(0);
    expect(await page.locator('[data-view="crash-list"] th[data-column="driver"]').count()).toBe(1);
    // The file version and company columns wait for the symbols data: not offered yet.
    expect(await page.locator('[data-role="column-menu"] input[data-column="version"]').count()).toBe(0);
  });
});

describe('many dumps at once (2)', () => {
  it('reads a picked folder in parallel workers and lists every file with its path', async () => {
    const { page } = t;
    let workers = 0;
    page.on('worker', () => ++workers);
    await openFolder();
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(workers).toBeGreaterThanOrEqual(1);
    expect(workers).toBeLessThanOrEqual(Math.min(11, cores, 8));
    const names = await rows().locator('[data-field="file"] button').evaluateAll((b) => b.map((x) => x.getAttribute('title') ?? x.textContent));
    expect(names).toContain('Minidump/older/system-culprit-ip.dmp');
    expect(names).toContain('Minidump/notes.bin');
    expect(await page.locator('[data-view="crash-list"] h2').textContent()).toBe('11 dump files, 10 readable');
  });

  it('opens a dropped folder (walked through the drop entries) as a table', async () => {
    const { page } = t;
    // Chromium cannot build a DataTransfer holding a directory from script; the viewer's walk gets one that
    // answers webkitGetAsEntry like a dropped folder.
    const bytes = [...readFileSync(fixture('sample.dmp'))];
    await page.evaluate((data) => {
      const file = (name: string) => new File([new Uint8Array(data)], name);
      const fileEntry = (name: string) => ({ isFile: true, isDirectory: false, name, file: (ok: (f: File) => void) => ok(file(name)) });
      const batches = [[fileEntry('a.dmp'), fileEntry('b.dmp')], []];
      const dir = { isFile: false, isDirectory: true, name: 'dumps', createReader: () => ({ readEntries: (ok: (e: unknown[]) => void) => ok(batches.shift() ?? []) }) };
      const transfer = { items: [{ kind: 'file', webkitGetAsEntry: () => dir }], files: [] };
      const drop = new Event('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(drop, 'dataTransfer', { value: transfer });
      document.querySelector('#app')!.dispatchEvent(drop);
    }, bytes);
    await poll(() => rows().count()).toBe(2);
    expect(await rows().locator('[data-field="file"]').allTextContents()).toEqual(expect.arrayContaining(['dumps/a.dmp', 'dumps/b.dmp']));
  });

  it('draws the overview; a bar filters the table, "Show all" clears it', async () => {
    const { page } = t;
    await openFolder();
    const culprits = page.locator('[data-chart="driver"] .bar');
    // sample.dmp twice, triage64, system-x64-bitmap, system-arm64 blame baddrv.sys; the first bar is the largest.
    const expected = new Map<string, number>();
    for (const name of [...NINE, 'sample.dmp']) {
      const module = (cliSummary(fixture(name)) as { culprit: { module: string } | null }).culprit?.module ?? '(none found)';
      expected.set(module, (expected.get(module) ?? 0) + 1);
    }
    const top = [...expected].sort((a, b) => b[1] - a[1])[0]!;
    expect(await culprits.first().getAttribute('data-value')).toBe(top[0]);
    expect(await culprits.first().locator('.bar-count').textContent()).toBe(String(top[1]));
    await culprits.first().click();
    await poll(() => rows().count()).toBe(top[1]);
    expect(new Set(await rows().locator('[data-field="driver"]').allTextContents())).toEqual(new Set([top[0]]));
    expect(await page.locator('[data-role="filter"]').textContent()).toContain(`caused by ${top[0]}`);
    await page.locator('[data-action="clear-filter"]').click();
    await poll(() => rows().count()).toBe(11);
    // The bug checks chart and the timeline have bars too, which filter the same way.
    expect(await page.locator('[data-chart="bugcheck"] .bar').count()).toBeGreaterThan(1);
    const day = page.locator('[data-chart="period"] .bar').first();
    const count = Number(await day.locator('.bar-count').textContent());
    await day.click();
    await poll(() => rows().count()).toBe(count);
  });

  it('exports the table as CSV and JSON', async () => {
    const { page } = t;
    await openFolder();
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export-csv"]').click()]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('Dump file,Crash time (UTC),Bug check,Code,Caused by driver,Caused by address,Parameter 1,Parameter 2,Parameter 3,Parameter 4');
    expect(csv.length).toBe(13); // the heading, 11 rows, the final line end
    const sample = cliSummary(fixture('sample.dmp')) as { bugcheck: { name: string; code: string; parameters: string[] } };
    expect(csv).toContain(`Minidump/sample.dmp,${csv.find((l) => l.startsWith('Minidump/sample.dmp,'))!.split(',')[1]},${sample.bugcheck.name},${sample.bugcheck.code},baddrv.sys,baddrv.sys+0xabcd,${sample.bugcheck.parameters.join(',')}`);
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export-table-json"]').click()]);
    const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as { files: { file: string; summary?: { bugcheck: unknown }; error?: { code: string } }[] };
    expect(json.files.length).toBe(11);
    expect(json.files.find((f) => f.file === 'Minidump/notes.bin')?.error?.code).toBe('not-a-dump');
    expect(json.files.find((f) => f.file === 'Minidump/sample.dmp')?.summary?.bugcheck).toEqual((cliSummary(fixture('sample.dmp')) as { bugcheck: unknown }).bugcheck);
  });
});

describe('Back and Forward (3)', () => {
  it('move between the table, a dump and its tabs without losing the loaded dumps', async () => {
    const { page } = t;
    await openFixtures(page, 'sample.dmp', 'system-x86.dmp');
    await poll(() => rows().count()).toBe(2);
    await page.getByRole('button', { name: 'system-x86.dmp', exact: true }).click();
    await poll(() => page.locator('.dump-title').textContent()).toBe('system-x86.dmp');
    await page.locator('[data-tab="modules"]').click();
    expect(new URL(page.url()).hash).toBe('#view=modules');
    await page.goBack();
    await poll(() => page.locator('[data-tab="crash"]').getAttribute('aria-selected')).toBe('true');
    await page.goBack();
    await poll(() => rows().count()).toBe(2);
    expect(await page.locator('.dump-title').count()).toBe(0);
    await page.goForward();
    await poll(() => page.locator('.dump-title').textContent()).toBe('system-x86.dmp');
    await page.goForward();
    await poll(() => page.locator('[data-tab="modules"]').getAttribute('aria-selected')).toBe('true');
    // Back to the table, then another dump: still the same table of two.
    await page.goBack();
    await page.goBack();
    await poll(() => rows().count()).toBe(2);
    await page.getByRole('button', { name: 'sample.dmp', exact: true }).click();
    await poll(() => page.locator('.dump-title').textContent()).toBe('sample.dmp');
    expect(t.problems).toEqual([]);
  });
});

describe('the full-height hex view (4)', () => {
  it('collapses the header to one line, fills the window, and the wheel moves only the grid', async () => {
    const { page } = t;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await openFixtures(page, 'sample.dmp');
    await page.locator('[data-tab="hex"]').click();
    await poll(() => page.locator('[data-panel="hex"] .hex-view').isVisible()).toBe(true);
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    const zone = await page.locator('.drop-zone').boundingBox();
    expect(zone!.height).toBeLessThan(50);
    const view = (await page.locator('[data-panel="hex"] .hex-view').boundingBox())!;
    // The view reaches down to the window's bottom (less the status line) and across most of the width.
    expect(view.y + view.height).toBeGreaterThan(1080 - 80);
    expect(view.width).toBeGreaterThan(1920 * 0.6);
    await poll(() => page.locator('[data-panel="hex"] .hex-grid .hex-row').count()).toBeGreaterThan(35);
    const scrollY = await page.evaluate(() => document.scrollingElement!.scrollTop);
    const first = await page.locator('[data-panel="hex"] .hex-grid .hex-addr').first().textContent();
    await page.mouse.move(view.x + 200, view.y + 200);
    for (let i = 0; i < 3; ++i) await page.mouse.wheel(0, -400); // at the top already: nothing else may scroll
    await page.mouse.wheel(0, 400);
    await poll(() => page.locator('[data-panel="hex"] .hex-grid .hex-addr').first().textContent()).not.toBe(first);
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(scrollY);
    expect(await page.locator('[data-panel="hex"]').evaluate((p) => p.parentElement!.scrollTop)).toBe(0);
  });
});

describe('hostile strings (5)', () => {
  it('shows bidi and control characters as escapes, caps long names, keeps markup as text', async () => {
    const { page } = t;
    await openFixtures(page, 'system-hostile-names.dmp');
    const culprit = page.locator('[data-field="culpritModule"]');
    await poll(() => culprit.textContent()).toBe('evil\\u202Egpj.sys<b>x</b>\\u2066');
    expect(await page.locator('b').count()).toBe(0);
    const text = await page.locator('#app').evaluate((root) => root.textContent ?? '');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b-\u001f]/);
    await page.locator('[data-tab="modules"]').click();
    const long = page.locator('[data-field="moduleName"]', { hasText: 'nnnn' });
    expect(await long.textContent()).toBe(`${'n'.repeat(47)}…`);
    expect(await long.getAttribute('title')).toContain(`${'n'.repeat(110)}\\x07\\x1b[31m.sys`);
    // Nothing is wider than the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    expect(await page.locator('[data-panel="modules"]').evaluate((p) => p.scrollWidth)).toBeLessThanOrEqual(1366);
  });

  it('escapes a hostile file name in the title and the table', async () => {
    const { page } = t;
    const bytes = readFileSync(fixture('sample.dmp'));
    await page.locator('#file-input').setInputFiles([
      { name: 'invoice\u202Efdp.dmp', mimeType: 'application/octet-stream', buffer: bytes },
      { name: `${'long'.repeat(75)}.dmp`, mimeType: 'application/octet-stream', buffer: bytes },
    ]);
    await poll(() => rows().count()).toBe(2);
    expect(await rows().locator('[data-field="file"]').allTextContents()).toContain('invoice\\u202Efdp.dmp');
    await page.getByRole('button', { name: 'invoice\\u202Efdp.dmp' }).click();
    await poll(() => page.locator('.dump-title').textContent()).toBe('invoice\\u202Efdp.dmp');
  });
});

describe('the first screen decodes the exception (6)', () => {
  it('names the NTSTATUS, says what was accessed, and flags link times that are hashes', async () => {
    const { page } = t;
    await openFixtures(page, 'system-x64-rdmp.dmp');
    // 0x1E: parameter 1 is the exception code.
    await poll(() => page.locator('[data-field="bugcheckParameter1"]').textContent()).toContain('STATUS_ACCESS_VIOLATION');
    await openFixtures(page, 'sample.dmp');
    await poll(() => page.locator('[data-field="crashExceptionName"]').textContent()).toBe('STATUS_ACCESS_VIOLATION');
    const sample = cliSummary(fixture('sample.dmp')) as { exception: { parameters: string[] } };
    expect(await page.locator('[data-field="crashExceptionSummary"]').textContent()).toContain(`tried to ${sample.exception.parameters[0] === '0x1' ? 'write to' : 'read'} address ${sample.exception.parameters[1]}`);
    await openFixtures(page, 'system-hostile-names.dmp');
    await poll(() => page.locator('[data-field="culpritTimestamp"]').textContent()).toMatch(/^2081-.*after the crash: may be a content hash of a reproducible build\)$/);
  });
});

describe('dead controls (10)', () => {
  it('disables the jump where nothing after the hole is in the dump, and says why', async () => {
    const { page } = t;
    // Nothing is mapped at the top of sample.dmp's virtual space.
    await page.goto(`${t.server.url}?url=/fixtures/sample.dmp#view=hex&space=virtual&address=0xfffffffffffff000`);
    const jump = page.locator('[data-panel="hex"] .hex-row-notice .hex-jump').first();
    await poll(() => jump.isDisabled()).toBe(true);
    expect(await jump.getAttribute('title')).toMatch(/no present region to jump to/);
    await page.locator('[data-panel="hex"] .hex-view').focus();
    await page.keyboard.press('n');
    await poll(() => page.locator('[data-role="status"]').textContent()).toMatch(/^N does nothing here: nothing after this point is in the dump/);
  });
});

describe('truncated dumps (7)', () => {
  it('shows what the header lists against what the file holds, in words and in the picture', async () => {
    const { page } = t;
    // sample.dmp (a full dump) cut to 16 KiB: the 8 KiB header, then two pages of page data.
    const bytes = readFileSync(fixture('sample.dmp')).subarray(0, 0x4000);
    const summary = cliSummary(fixture('sample.dmp')) as { physicalMemory: { pages: number } };
    await page.locator('#file-input').setInputFiles([{ name: 'cut.dmp', mimeType: 'application/octet-stream', buffer: bytes }]);
    await poll(() => page.locator('[data-tab="memory"]').count()).toBe(1);
    await page.locator('[data-tab="memory"]').click();
    const note = page.locator('[data-field="memoryTruncated"]');
    await poll(() => note.textContent()).toContain(`the header lists ${summary.physicalMemory.pages} pages`);
    expect(await note.textContent()).toContain('but the file holds only 2 of them (8.00 KiB)');
    expect(await page.locator('[data-field="memoryHeldPages"]').textContent()).toBe('2 (8.00 KiB)');
    // The picture: the blocks after the first two pages are hatched as missing.
    expect(await page.locator('.memory-block-cut').count()).toBeGreaterThan(0);
    expect(await page.locator('.memory-block:not(.memory-block-cut)').count()).toBeLessThanOrEqual(1);
  });

  it('marks the run the file ends in', async () => {
    const { page } = t;
    await openFixtures(page, 'full-truncated.dmp');
    await poll(() => page.locator('[data-tab="memory"]').count()).toBe(1);
    await page.locator('[data-tab="memory"]').click();
    await poll(() => page.locator('[data-field="rangeHeld"]').allTextContents()).toEqual(['all', 'none']);
    expect(await page.locator('[data-field="memoryTruncated"]').textContent()).toContain('the header lists 6 pages (24.0 KiB), but the file holds only 4 of them (16.0 KiB)');
  });
});

describe('long lists (9)', () => {
  it('builds only the rows in view of a triage dump with 1,831 data blocks', async () => {
    const { page } = t;
    const { buildTriageDump } = await import('../wasm/dump-builder');
    const blocks = Array.from({ length: 1831 }, (_, i) => ({ va: 0xffff800000000000n + BigInt(i) * 0x1000n, bytes: new Uint8Array(16).fill(i & 0xff) }));
    const dump = buildTriageDump({ va: 0xffff900000000000n, bytes: new Uint8Array(0x100) }, blocks);
    await page.locator('#file-input').setInputFiles([{ name: 'many-blocks.dmp', mimeType: 'application/octet-stream', buffer: Buffer.from(dump) }]);
    await poll(() => page.locator('[data-tab="triage"]').count()).toBe(1);
    await page.locator('[data-tab="triage"]').click();
    const box = page.locator('[data-panel="triage"] .virtual-scroll');
    await poll(() => box.getAttribute('data-rows')).toBe('1831');
    const built = () => box.locator('tbody tr:not(.virtual-spacer)').count();
    expect(await built()).toBeLessThan(120);
    // The page stays short; the box scrolls through all of them.
    expect(await page.locator('[data-panel="triage"]').evaluate((p) => p.scrollHeight)).toBeLessThan(3000);
    await box.evaluate((b) => { b.scrollTop = b.scrollHeight; });
    await poll(() => box.locator('tbody tr:not(.virtual-spacer)').last().getAttribute('data-index')).toBe('1830');
    expect(await box.locator('tbody tr:not(.virtual-spacer)').last().locator('[data-field="blockAddress"]').textContent()).toBe(`0x${(0xffff800000000000n + 1830n * 0x1000n).toString(16)}`);
    expect(await built()).toBeLessThan(120);
  });
});

describe('search (8)', () => {
  const hex = (selector: string) => t.page.locator(`[data-panel="hex"] ${selector}`);
  const cursor = () => hex('[data-field="hexCursor"]').textContent();

  it('finds text in either case from the start, steps with F3 and Shift+F3, and keeps the list in view', async () => {
    const { page } = t;
    await page.goto(`${t.server.url}?url=/fixtures/sample.dmp#view=hex&space=file&address=0x40000`);
    await poll(() => cursor()).toBe("0x40000");
    await hex('.search-text').fill('KDMPVIEW');
    await hex('.search-kind').selectOption('ascii');
    await hex('[data-role="search-origin"]').selectOption('start');
    // Case matters unless asked otherwise.
    await hex('.search-find').click();
    await poll(() => hex('.search-status').textContent()).toBe('no match');
    await hex('[data-role="ignore-case"]').check();
    await hex('.search-find').click();
    await poll(() => hex('.search-match').evaluateAll((b) => b.map((x) => (x as HTMLElement).dataset.match))).toEqual(['0xfb0', '0x50ff8']);
    await poll(() => cursor()).toBe('0xfb0');
    await hex('.hex-view').focus();
    await page.keyboard.press('F3');
    await poll(() => cursor()).toBe('0x50ff8');
    expect(await hex('.search-status').textContent()).toContain('(match 2 of 2)');
    await page.keyboard.press('Shift+F3');
    await poll(() => cursor()).toBe('0xfb0');
    // The current match stays on screen beside the hex view.
    const current = (await hex('.search-match[aria-current="true"]').boundingBox())!;
    const view = (await hex('.hex-view').boundingBox())!;
    expect(current.y).toBeGreaterThanOrEqual(0);
    expect(current.y + current.height).toBeLessThanOrEqual(768);
    expect(current.x).toBeGreaterThan(view.x + view.width - 1);
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
  });

  it('takes ?? as any byte in hex patterns', async () => {
    const { page } = t;
    await page.goto(`${t.server.url}?url=/fixtures/sample.dmp#view=hex&space=file&address=0x0`);
    await poll(() => cursor()).toBe('0x0');
    const bytes = readFileSync(fixture('sample.dmp'));
    const expected: string[] = [];
    for (let i = 0; i + 4 <= bytes.length; ++i) if (bytes[i] === 0x4d && bytes[i + 1] === 0x5a && bytes[i + 3] === 0) expected.push(`0x${i.toString(16)}`);
    expect(expected.length).toBeGreaterThan(1);
    await hex('.search-text').fill('4d 5a ?? 00');
    await hex('.search-find').click();
    await poll(() => hex('.search-match').evaluateAll((b) => b.map((x) => (x as HTMLElement).dataset.match))).toEqual(expected);
    await hex('.search-text').fill('?? ??');
    await hex('.search-find').click();
    await poll(() => hex('.search-status').textContent()).toMatch(/at least one byte that is not \?\?/);
  });
});

describe('bookmarks (11)', () => {
  const hex = (selector: string) => t.page.locator(`[data-panel="hex"] ${selector}`);
  const cursor = () => hex('[data-field="hexCursor"]').textContent();

  it('names a place and a selection, lists them, keeps them in the link and the export', async () => {
    const { page } = t;
    await page.goto(`${t.server.url}?url=/fixtures/sample.dmp#view=hex&space=file&address=0xfb0&length=8`);
    await poll(() => cursor()).toBe('0xfb0');
    await hex('.hex-view').focus();
    await page.keyboard.press('b');
    expect(await hex('[data-role="bookmark-name"]').evaluate((i) => i === document.activeElement)).toBe(true);
    await page.keyboard.type('the comment');
    await page.keyboard.press('Enter');
    await poll(() => hex('[data-role="bookmarks"] .bookmark-go').count()).toBe(1);
    expect(await hex('.bookmark-where').first().textContent()).toBe('file 0xfb0 (8 bytes)');
    expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).getAll('bm')).toEqual(['file:0xfb0:8:the comment']);
    // A second one in virtual memory, unnamed.
    await hex('[data-space="virtual"]').click();
    await poll(() => hex('[data-space="virtual"]').getAttribute('aria-pressed')).toBe('true');
    const at = await cursor();
    await hex('[data-action="add-bookmark"]').click();
    await poll(() => hex('.bookmark-go').count()).toBe(2);
    expect(await hex('.bookmark-label').nth(1).textContent()).toBe(`virtual ${at}`);
    // Going back to the first.
    await hex('.bookmark-go').first().click();
    await poll(() => cursor()).toBe('0xfb0');
    expect(await hex('[data-field="hexSelection"]').textContent()).toBe('8 bytes selected (0xfb0 to 0xfb7)');
    // The link brings them back on another tab too, and the export lists them.
    const link = page.url();
    await page.locator('[data-tab="modules"]').click();
    expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).getAll('bm').length).toBe(2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export-json"]').click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { bookmarks: unknown[] };
    expect(exported.bookmarks[0]).toEqual({ name: 'the comment', space: 'file', address: '0xfb0', length: 8 });
    await page.goto('about:blank');
    await page.goto(link);
    await poll(() => page.locator('[data-tab="hex"]').getAttribute('aria-selected')).toBe('true');
    await poll(() => hex('.bookmark-label').allTextContents()).toEqual(['the comment', `virtual ${at}`]);
  });
});
