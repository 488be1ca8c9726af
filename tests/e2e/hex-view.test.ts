// The hex view in Chromium, through the built site: the bytes it shows against the CLI's, go-to, the keyboard,
// selection and copy, search, holes in physical memory and the jump over them, a sparse 8 GiB dump to its last row,
// and the file's header fields named in the status line.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCopy } from '../../web/src/hex/copy-format';
import { fixture, paths, sparseBitmapDump } from '../wasm/support';
import { poll, useViewerPage } from './harness';

let sparse: ReturnType<typeof sparseBitmapDump> | undefined;
// Dumps stay on the server and are read with range requests: the 8 GiB one is a few MiB of real data.
const t = useViewerPage({
  path: null,
  viewport: { width: 1400, height: 900 },
  permissions: ['clipboard-read', 'clipboard-write'],
  mounts: () => {
    sparse = sparseBitmapDump(8);
    return { '/sparse/': `${path.dirname(sparse.file)}/` };
  },
});
afterAll(() => sparse?.remove());

const hex = (selector: string) => t.page.locator(`[data-panel="hex"] ${selector}`);
const statusField = (name: string) => hex(`[data-field="${name}"]`).textContent();
const cursor = () => statusField('hexCursor');

/** Opens a dump that stays on the server, at `fragment` ("#view=hex&..."). */
async function open(url: string, fragment = ''): Promise<void> {
  await t.page.goto(`${t.server.url}?url=${url}${fragment}`);
  await poll(() => t.page.locator('[data-tab="hex"]').count()).toBe(1);
}

async function openHexTab(url: string): Promise<void> {
  await open(url);
  await t.page.locator('[data-tab="hex"]').click();
  await poll(() => hex('.hex-view').isVisible()).toBe(true);
}

/** The hex column of the row whose address column reads `address` (as the view spells it), as numbers; null for a
 *  byte not shown ("??", dots). */
function rowBytes(address: string): Promise<(number | null)[] | null> {
  return t.page.evaluate((wanted) => {
    const row = [...document.querySelectorAll('[data-panel="hex"] .hex-grid .hex-row')].find((r) => r.querySelector('.hex-addr')?.textContent === wanted);
    if (!row) return null;
    return [...row.querySelectorAll('.hex-hex .hex-b')].map((b) => (/^[0-9a-f]{2}$/.test(b.textContent ?? '') ? parseInt(b.textContent!, 16) : null));
  }, address);
}

/** The addresses of the rows on screen. */
function rowAddresses(): Promise<string[]> {
  return hex('.hex-grid .hex-row .hex-addr').allTextContents();
}

/** What `kdmp-parser --mem=ADDR --virt --len N` prints, as bytes. */
function cliVirtualBytes(dump: string, address: bigint, length: number): number[] {
  const out = execFileSync(paths.cli, [`--mem=0x${address.toString(16)}`, '--virt', '--len', String(length), dump], { encoding: 'utf8' });
  return out.trim().split('\n').flatMap((line) => line.split('|')[0]!.split(':')[1]!.trim().split(/\s+/).map((b) => parseInt(b, 16)));
}

async function goto(text: string): Promise<void> {
  const box = hex('.hex-goto');
  await box.fill(text);
  await box.press('Enter');
}

const BADDRV = 0xfffff80312340000n;
const NT = 0xfffff80312800000n;

describe('the hex view on sample.dmp', () => {
  it('opens baddrv.sys from the modules tab and shows the bytes the CLI reads there', async () => {
    await open('/fixtures/sample.dmp');
    await t.page.locator('[data-tab="modules"]').click();
    await t.page.locator('tr[data-module="baddrv.sys"] [data-field="moduleName"]').click();
    await poll(() => cursor()).toBe('0xfffff80312340000');
    expect(await hex('[data-space="virtual"]').getAttribute('aria-pressed')).toBe('true');
    expect(await statusField('hexSymbol')).toBe('baddrv.sys+0x0');
    await poll(() => statusField('hexDescribe')).toMatch(/^PTE → PA 0x[0-9a-f]+, 4 KiB/);
    const expected = cliVirtualBytes(fixture('sample.dmp'), BADDRV, 32);
    expect(expected.slice(0, 2)).toEqual([0x4d, 0x5a]);
    await poll(() => rowBytes('fffff803`12340000')).toEqual(expected.slice(0, 16));
    expect(await rowBytes('fffff803`12340010')).toEqual(expected.slice(16, 32));
    // The page below the module is not mapped: its rows are "??" under one notice line. The hole begins above the
    // screen, further down than the view looks: "from before" the first row shown.
    expect(await hex('.hex-row-notice .hex-notice-text').first().textContent()).toMatch(/^— not mapped: (from before )?0x[0-9a-f]+ to 0xfffff8031233ffff —$/);
    // The URL keeps the place.
    await poll(() => t.page.evaluate(() => location.hash)).toContain('space=virtual&address=0xfffff80312340000');
  });

  it('goes to modules, registers and decimal numbers, and says why it cannot', async () => {
    await open('/fixtures/sample.dmp', `#view=hex&space=virtual&address=0x${BADDRV.toString(16)}`);
    await poll(() => cursor()).toBe('0xfffff80312340000');
    await goto('nt+0x10');
    await poll(() => cursor()).toBe(`0x${(NT + 0x10n).toString(16)}`);
    expect(await statusField('hexSymbol')).toBe('ntoskrnl.exe+0x10');
    await goto('rip');
    await poll(() => cursor()).toBe('0xfffff8031234abcd');
    expect(await statusField('hexSymbol')).toBe('baddrv.sys+0xabcd');
    await goto('0n4096');
    await poll(() => cursor()).toBe('0x1000');
    await goto('nosuchdriver+0x10');
    await poll(() => hex('[data-role="goto-error"]').textContent()).toMatch(/nosuchdriver/);
    expect(await hex('.hex-goto').getAttribute('aria-invalid')).toBe('true');
    expect(await cursor()).toBe('0x1000');
    // In the file, a register or a module names a virtual address: go-to goes there.
    await hex('[data-space="file"]').click();
    await poll(() => cursor()).toBe('0x0');
    await goto('baddrv+0x10');
    await poll(() => cursor()).toBe('0xfffff80312340010');
    expect(await hex('[data-space="virtual"]').getAttribute('aria-pressed')).toBe('true');
  });

  it('moves the cursor with the keyboard, selects with shift and copies a C array', async () => {
    await open('/fixtures/sample.dmp', `#view=hex&space=virtual&address=0x${BADDRV.toString(16)}`);
    await poll(() => cursor()).toBe('0xfffff80312340000');
    const view = hex('.hex-view');
    await view.focus();
    await view.press('ArrowRight');
    expect(await cursor()).toBe('0xfffff80312340001');
    await view.press('ArrowDown');
    expect(await cursor()).toBe('0xfffff80312340011');
    const rows = await hex('.hex-grid .hex-row').count();
    expect(rows).toBeGreaterThan(5);
    await view.press('PageDown');
    expect(await cursor()).toBe(`0x${(BADDRV + 0x11n + BigInt(rows * 16)).toString(16)}`);
    await view.press('End');
    expect(await cursor()).toBe(`0x${(BADDRV + 0x1fn + BigInt(rows * 16)).toString(16)}`);
    await view.press('Home');
    expect(await cursor()).toBe(`0x${(BADDRV + 0x10n + BigInt(rows * 16)).toString(16)}`);
    // The cursor stays on screen: its row is one of the rows shown.
    const shown = await rowAddresses();
    const cursorRow = (BADDRV + 0x10n + BigInt(rows * 16)).toString(16).padStart(16, '0');
    expect(shown).toContain(`${cursorRow.slice(0, 8)}\`${cursorRow.slice(8)}`);

    await goto('baddrv.sys');
    await poll(() => cursor()).toBe('0xfffff80312340000');
    await view.focus();
    await view.press('Shift+ArrowRight');
    await view.press('Shift+ArrowRight');
    await view.press('Shift+ArrowRight');
    expect(await statusField('hexSelection')).toBe('4 bytes selected (0xfffff80312340000 to 0xfffff80312340003)');
    expect(await hex('.hex-grid .hex-b.hex-sel').count()).toBe(4);
    await hex('[data-copy="c-array"]').click();
    await poll(() => t.page.locator('[data-role="status"]').textContent()).toBe('Copied 4 bytes as a C array');
    const bytes = new Uint8Array(cliVirtualBytes(fixture('sample.dmp'), BADDRV, 4));
    expect(await t.page.evaluate(() => navigator.clipboard.readText())).toBe(formatCopy(bytes, 'c-array', BADDRV));
    // Ctrl+C in the view copies the selection as hex.
    await view.focus();
    await view.press('Control+c');
    await poll(() => t.page.evaluate(() => navigator.clipboard.readText())).toBe(formatCopy(bytes, 'hex', BADDRV));
  });

  it('keeps the cursor at the end of a shift+right selection in the link, and puts it back there', async () => {
    await open('/fixtures/sample.dmp', `#view=hex&space=virtual&address=0x${BADDRV.toString(16)}`);
    await poll(() => cursor()).toBe('0xfffff80312340000');
    const view = hex('.hex-view');
    await view.focus();
    await view.press('Shift+ArrowRight');
    await view.press('Shift+ArrowRight');
    await view.press('Shift+ArrowRight');
    expect(await cursor()).toBe('0xfffff80312340003');
    await poll(() => t.page.evaluate(() => location.hash)).toBe(
      `#view=hex&space=virtual&address=0x${BADDRV.toString(16)}&dtb=0x100002&length=4&cursor=0xfffff80312340003&width=16`,
    );
    // The link opens on the same selection with the cursor (and so the inspector) on its last byte, not its first.
    const link = await t.page.evaluate(() => location.hash);
    await t.page.goto('about:blank');
    await open('/fixtures/sample.dmp', link);
    await poll(() => cursor()).toBe('0xfffff80312340003');
    expect(await statusField('hexSelection')).toBe('4 bytes selected (0xfffff80312340000 to 0xfffff80312340003)');
    await poll(() => hex('.inspector-where').textContent()).toContain('0xfffff80312340003');
    // Shift+Left shrinks it from the end, as it would have before the reload.
    await hex('.hex-view').press('Shift+ArrowLeft');
    expect(await statusField('hexSelection')).toBe('3 bytes selected (0xfffff80312340000 to 0xfffff80312340002)');
  });

  it('selects with shift+click across the hex and ASCII columns', async () => {
    await open('/fixtures/sample.dmp', '#view=hex&space=file&address=0x0');
    await poll(async () => (await rowBytes('00000000'))?.slice(0, 8)).toEqual([...Buffer.from('PAGEDU64')]);
    const row = hex('.hex-grid .hex-row').first();
    await row.locator('.hex-b').nth(2).click();
    expect(await cursor()).toBe('0x2');
    await row.locator('.hex-c').nth(7).click({ modifiers: ['Shift'] });
    expect(await statusField('hexSelection')).toBe('6 bytes selected (0x2 to 0x7)');
    expect(await hex('.hex-grid .hex-c.hex-sel').allTextContents()).toEqual(['G', 'E', 'D', 'U', '6', '4']);
  });

  it('finds ASCII text in the file and selects the match', async () => {
    await open('/fixtures/sample.dmp', '#view=hex&space=file&address=0x2000');
    await poll(() => cursor()).toBe('0x2000');
    await hex('.search-text').fill('kdmpview sample dump');
    await hex('.search-kind').selectOption('ascii');
    await hex('.search-find').click();
    const match = hex('.search-match[data-match="0xfb0"]');
    await poll(() => match.count()).toBe(1);
    await goto('0x100');
    await poll(() => cursor()).toBe('0x100');
    await match.click();
    await poll(() => cursor()).toBe('0xfb0');
    expect(await statusField('hexSelection')).toBe('20 bytes selected (0xfb0 to 0xfc3)');
    expect(await statusField('hexDescribe')).toBe('Comment (0xfb0, 128 bytes)');
  });

  it('names the header field at offset 0x38 in the file view', async () => {
    await openHexTab('/fixtures/sample.dmp');
    expect(await hex('[data-space="file"]').getAttribute('aria-pressed')).toBe('true');
    await goto('0x38');
    await poll(() => cursor()).toBe('0x38');
    await poll(() => statusField('hexDescribe')).toBe('BugCheckCode (0x38, 4 bytes)');
    // The field's bytes share a tint; the next field's bytes get the other one.
    const row = hex('.hex-grid .hex-row').filter({ has: t.page.locator('.hex-addr', { hasText: /^00000030$/ }) });
    const classes = await row.locator('.hex-hex .hex-b').evaluateAll((cells) => cells.map((c) => c.className));
    expect(classes[8]).toContain('hex-field-');
    expect(classes[11]).toContain(classes[8]!.match(/hex-field-\w+/)![0]);
    expect(await row.locator('.hex-hex .hex-b').nth(8).textContent()).toBe('d1');
    await t.page.keyboard.press('ArrowRight');
    expect(await statusField('hexDescribe')).toBe('BugCheckCode (0x38, 4 bytes) +0x1');
    // The tooltip names the field too.
    const cell = row.locator('.hex-hex .hex-b').nth(10);
    await cell.hover();
    expect(await cell.getAttribute('title')).toBe('BugCheckCode (0x38, 4 bytes) +0x2');
    // PsLoadedModuleList, read from the header as a pointer, followed into virtual memory.
    await goto('0x20');
    await poll(() => statusField('hexDescribe')).toBe('PsLoadedModuleList (0x20, 8 bytes)');
    await poll(() => hex('.inspector-follow').textContent()).toContain('0xfffff80312a2a2b0');
    await hex('.inspector-follow').click();
    await poll(() => cursor()).toBe('0xfffff80312a2a2b0');
    expect(await hex('[data-space="virtual"]').getAttribute('aria-pressed')).toBe('true');
  });

  it('walks another DTB, and checks what is typed in its box', async () => {
    await open('/fixtures/sample.dmp', `#view=hex&space=virtual&address=0x${BADDRV.toString(16)}`);
    await poll(() => hex('.hex-dtb').inputValue()).toBe('0x100002');
    await hex('.hex-dtb').fill('not a dtb');
    await hex('.hex-dtb').press('Enter');
    expect(await hex('[data-role="dtb-error"]').textContent()).toMatch(/hex number/);
    // Physical 0x5000 is not in the dump: nothing translates through it.
    await hex('.hex-dtb').fill('5000');
    await hex('.hex-dtb').press('Enter');
    await poll(() => t.page.evaluate(() => location.hash)).toContain('dtb=0x5000');
    expect(await cursor()).toBe('0xfffff80312340000');
    await poll(() => statusField('hexDescribe')).toMatch(/^page table not in the dump: /);
    await poll(() => rowBytes('fffff803`12340000')).toEqual(Array(16).fill(null));
  });

  it('focuses go-to with Ctrl+G and search with Ctrl+F, and refuses to copy more than 16 MiB', async () => {
    await open('/fixtures/sample.dmp', `#view=hex&space=virtual&address=0x${BADDRV.toString(16)}`);
    await poll(() => cursor()).toBe('0xfffff80312340000');
    const view = hex('.hex-view');
    await view.press('Control+g');
    expect(await hex('.hex-goto').evaluate((input) => input === document.activeElement)).toBe(true);
    await view.focus();
    await view.press('Control+f');
    expect(await hex('.search-text').evaluate((input) => input === document.activeElement)).toBe(true);
    // The search has a visible title that names its box (under the inspector it is otherwise easy to miss).
    expect(await t.page.getByLabel('Search for').evaluate((input) => input.classList.contains('search-text'))).toBe(true);
    expect(await hex('.search-title').isVisible()).toBe(true);
    await view.focus();
    await view.press('Shift+Control+End');
    expect(await statusField('hexSelection')).toBe(`${(1n << 64n) - BADDRV} bytes selected (0xfffff80312340000 to 0xffffffffffffffff)`);
    await hex('[data-copy="hex"]').click();
    await poll(() => t.page.locator('[data-role="status"]').textContent()).toMatch(/copies stop at 16 MiB/);
  });

  it('drags the scrollbar thumb to the last row of the 64-bit space, and back to the first', async () => {
    await open('/fixtures/sample.dmp', `#view=hex&space=virtual&address=0x${BADDRV.toString(16)}`);
    await poll(() => cursor()).toBe('0xfffff80312340000');
    const thumb = hex('.hex-scrollbar-thumb');
    await hex('.hex-scrollbar').scrollIntoViewIfNeeded();
    const track = await hex('.hex-scrollbar').boundingBox();
    const box = (await thumb.boundingBox())!;
    await t.page.mouse.move(box.x + box.width / 2, box.y + 4);
    await t.page.mouse.down();
    await t.page.mouse.move(box.x + box.width / 2, track!.y + track!.height + 200, { steps: 4 });
    await t.page.mouse.up();
    const last = await rowAddresses();
    expect(last[last.length - 1]).toBe('ffffffff`fffffff0');
    const top = (await thumb.boundingBox())!;
    await t.page.mouse.move(top.x + top.width / 2, top.y + 4);
    await t.page.mouse.down();
    await t.page.mouse.move(top.x + top.width / 2, track!.y - 200, { steps: 4 });
    await t.page.mouse.up();
    expect((await rowAddresses())[0]).toBe('00000000`00000000');
    // Dragging scrolls; the cursor stays where it was.
    expect(await cursor()).toBe('0xfffff80312340000');
  });
});

describe('holes and sizes', () => {
  it('shows the pages full-two-runs.dmp does not hold, and jumps to the next present one', async () => {
    await open('/fixtures/full-two-runs.dmp', '#view=hex&space=physical&address=0x5000');
    await poll(() => cursor()).toBe('0x5000');
    // Runs: 4 pages at 0x1000, 2 at 0x10000.
    const notice = hex('.hex-row-notice .hex-notice-text');
    await poll(() => notice.first().textContent()).toBe('— not in the dump: 0x5000 to 0xffff —');
    expect(await rowBytes('00004ff0')).toEqual(expect.arrayContaining([expect.any(Number)]));
    expect(await rowBytes('00005010')).toEqual(Array(16).fill(null));
    await poll(() => statusField('hexDescribe')).toBe('PFN 0x5 · not in the dump');
    await hex('.hex-row-notice .hex-jump').first().click();
    await poll(() => cursor()).toBe('0x10000');
    await poll(() => rowBytes('00010000')).toEqual(expect.not.arrayContaining([null]));
    // N from a cursor in a hole jumps too.
    await goto('0x3000');
    await poll(() => cursor()).toBe('0x3000');
    await goto('0x7000');
    await hex('.hex-view').press('n');
    await poll(() => cursor()).toBe('0x10000');
  });

  it('names where a hole starts even when that is above the screen', async () => {
    await open('/fixtures/full-two-runs.dmp', '#view=hex&space=physical&address=0x9000');
    await poll(() => cursor()).toBe('0x9000');
    // The first row on screen is deep inside the hole 0x5000-0xffff: the notice names the hole, not that row.
    expect((await rowAddresses())[0]).not.toBe('00005000');
    const notice = hex('.hex-row-notice .hex-notice-text');
    await poll(() => notice.first().textContent()).toBe('— not in the dump: 0x5000 to 0xffff —');
    expect(await hex('.hex-row-notice').count()).toBe(1);
  });

  it('reaches the last row of a sparse 8 GiB dump with Ctrl+End', async () => {
    await open(`/sparse/${path.basename(sparse!.file)}`);
    await t.page.locator('[data-tab="hex"]').click();
    await hex('[data-space="physical"]').click();
    await poll(() => hex('[data-space="physical"]').getAttribute('aria-pressed')).toBe('true');
    await hex('.hex-view').press('Control+End');
    await poll(() => cursor()).toBe('0x1ffffffff');
    const addresses = await rowAddresses();
    expect(addresses[addresses.length - 1]).toBe('00000001`fffffff0');
    await poll(() => rowBytes('00000001`fffffff0')).toEqual(Array(16).fill(0));
    expect(await statusField('hexDescribe')).toBe('PFN 0x1fffff');
    await hex('.hex-view').press('Control+Home');
    expect(await cursor()).toBe('0x0');
    expect((await rowAddresses())[0]).toBe('00000000`00000000');
  });
});
