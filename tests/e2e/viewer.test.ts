// The built site (dist/) in Debian's Chromium: open fixtures through the file input and the sample button, and check
// that the page stays on its own origin and within its CSP.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { cliSummary, fixture } from '../wasm/support';
import { openFixtures, poll, useViewerPage } from './harness';

const t = useViewerPage();
let wasmContentType: string | undefined;

beforeEach(() => {
  wasmContentType = undefined;
  t.context.on('response', (response) => {
    if (response.url().endsWith('.wasm')) wasmContentType = response.headers()['content-type'];
  });
});

async function openFixture(name: string): Promise<void> {
  await openFixtures(t.page, name);
}

describe('the viewer', () => {
  it('shows the dump type and bugcheck of a picked dump', async () => {
    await openFixture('full-two-runs.dmp');
    const expected = cliSummary(fixture('full-two-runs.dmp')) as {
      header: { dumpType: number; dumpTypeName: string; directoryTableBase: string };
      bugcheck: { code: string; name: string; parameters: string[] };
    };
    const field = (name: string) => t.page.locator(`[data-field="${name}"]`);
    await poll(() => field('dumpType').textContent()).toBe(`${expected.header.dumpTypeName} (1)`);
    expect(await field('bugcheckCode').textContent()).toBe('0x3b');
    expect(await field('bugcheckName').textContent()).toBe(expected.bugcheck.name || 'unknown');
    expect(await field('bugcheckParameter4').textContent()).toBe(expected.bugcheck.parameters[3]);
    expect(wasmContentType).toBe('application/wasm');
    expect(t.problems).toEqual([]);
  });

  it('opens the sample dump with one click', async () => {
    await t.page.getByRole('button', { name: 'Open the sample dump' }).click();
    const expected = cliSummary(fixture('sample.dmp')) as { bugcheck: { code: string }; header: { dumpType: number } };
    await poll(() => t.page.locator('[data-field="bugcheckCode"]').textContent()).toBe(expected.bugcheck.code);
    expect(await t.page.locator('.dump-title').textContent()).toBe('sample.dmp');
    expect(await t.page.locator('[data-field="dumpType"]').textContent()).toContain(`(${expected.header.dumpType})`);
    expect(t.requests.some((url) => url.endsWith('/sample.dmp'))).toBe(true);
    // The first thing a user reads: the driver that crashed the machine, and why.
    expect(await t.page.locator('[data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    expect(await t.page.locator('[data-field="culpritAddress"]').textContent()).toBe('baddrv.sys+0xabcd (0xfffff8031234abcd)');
    expect(await t.page.locator('[data-field="culpritReason"]').textContent()).toContain('parameter 4');
    expect(await t.page.locator('[data-field="bugcheckParameter4"]').textContent()).toContain('(Address that referenced memory)');
    expect(t.problems).toEqual([]);
  });

  it.each([
    ['not-a-dump.bin', 'not-a-dump'],
    ['user-minidump.dmp', 'user-mode-minidump'],
  ])('shows a readable error for %s', async (name, code) => {
    await openFixture(name);
    const box = t.page.locator('.error-box');
    await poll(() => box.isVisible()).toBe(true);
    expect(await box.locator('h2').textContent()).toBe(`Could not open ${name}`);
    expect(await box.locator('.error-code').textContent()).toBe(code);
    expect(await box.locator('.error-message').textContent()).toMatch(/\S/);
    expect(await t.page.locator('[data-field="dumpType"]').count()).toBe(0);
  });

  it('replaces an error with the next dump opened', async () => {
    await openFixture('not-a-dump.bin');
    await poll(() => t.page.locator('.error-box').isVisible()).toBe(true);
    await openFixture('full-two-runs.dmp');
    await poll(() => t.page.locator('[data-field="bugcheckCode"]').textContent()).toBe('0x3b');
    expect(await t.page.locator('.error-box').count()).toBe(0);
  });
});

describe('drag and drop', () => {
  it('opens a file dropped on the page', async () => {
    const bytes = [...readFileSync(fixture('full-two-runs.dmp'))];
    await t.page.evaluate((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'dropped.dmp'));
      document.querySelector('[data-role="drop-zone"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes);
    await poll(() => t.page.locator('[data-field="bugcheckCode"]').textContent()).toBe('0x3b');
    expect(await t.page.locator('.dump-title').textContent()).toBe('dropped.dmp');
  });
});

describe('a dump that stays on the server', () => {
  it('opens ?url= with HTTP range requests', async () => {
    await t.page.goto(`${t.server.url}?url=/fixtures/full-two-runs.dmp`);
    await poll(() => t.page.locator('[data-field="bugcheckCode"]').textContent()).toBe('0x3b');
    expect(await t.page.locator('.dump-title').textContent()).toBe('full-two-runs.dmp');
    expect(t.rangeRequests.some((r) => /^\/fixtures\/full-two-runs\.dmp bytes=\d+-\d+$/.test(r))).toBe(true);
    expect(t.problems).toEqual([]);
  });

  it('says why a URL cannot be opened', async () => {
    await t.page.goto(`${t.server.url}?url=/fixtures/missing.dmp`);
    const box = t.page.locator('.error-box');
    await poll(() => box.isVisible()).toBe(true);
    expect(await box.locator('.error-code').textContent()).toBe('source-failed');
    expect(await box.locator('.error-message').textContent()).toContain('404');
  });
});
