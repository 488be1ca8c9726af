// The built site (dist/) in Debian's Chromium: open fixtures through the file input and the sample button, and check
// that the page stays on its own origin and within its CSP.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serveStatic } from '../../scripts/static-server.mjs';
import { cliSummary, fixture, paths } from '../wasm/support';
import { launchChromium } from './browser';

let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let context: BrowserContext;
let page: Page;
let requests: string[];
let rangeRequests: string[];
let problems: string[];
let wasmContentType: string | undefined;

beforeAll(async () => {
  // The fixtures sit on the same server, for ?url= (a dump that stays on its server).
  server = await serveStatic(paths.dist, { mounts: { '/fixtures/': paths.fixtures } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  requests = [];
  rangeRequests = [];
  problems = [];
  wasmContentType = undefined;
  context = await browser.newContext();
  // The context sees the requests of the page and of its worker.
  context.on('request', (request) => {
    requests.push(request.url());
    const range = request.headers()['range'];
    if (range) rangeRequests.push(`${new URL(request.url()).pathname} ${range}`);
  });
  context.on('response', (response) => {
    if (response.url().endsWith('.wasm')) wasmContentType = response.headers()['content-type'];
  });
  // An init script is not subject to the page's CSP; it records violations the page itself would only log.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(server.url);
});

afterEach(async () => {
  await context?.close();
  const origin = new URL(server.url).origin;
  expect(requests.filter((url) => new URL(url).origin !== origin), 'requests to other hosts').toEqual([]);
  expect(problems.filter((p) => /Content Security Policy|CSP violation/i.test(p)), 'CSP violations').toEqual([]);
});

// Loading the wasm module and opening a dump takes well under a second here, but CI machines are shared.
function poll<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 20_000, interval: 50 });
}

async function openFixture(name: string): Promise<void> {
  await page.locator('#file-input').setInputFiles(fixture(name));
}

describe('the viewer', () => {
  it('shows the dump type and bugcheck of a picked dump', async () => {
    await openFixture('full-two-runs.dmp');
    const expected = cliSummary(fixture('full-two-runs.dmp')) as {
      header: { dumpType: number; dumpTypeName: string; directoryTableBase: string };
      bugcheck: { code: string; name: string; parameters: string[] };
    };
    const field = (name: string) => page.locator(`[data-field="${name}"]`);
    await poll(() => field('dumpType').textContent()).toBe(`${expected.header.dumpTypeName} (1)`);
    expect(await field('bugcheckCode').textContent()).toBe('0x3b');
    expect(await field('bugcheckName').textContent()).toBe(expected.bugcheck.name || 'unknown');
    expect(await field('bugcheckParameter4').textContent()).toBe(expected.bugcheck.parameters[3]);
    expect(wasmContentType).toBe('application/wasm');
    expect(problems).toEqual([]);
  });

  it('opens the sample dump with one click', async () => {
    await page.getByRole('button', { name: 'Open the sample dump' }).click();
    const expected = cliSummary(fixture('sample.dmp')) as { bugcheck: { code: string }; header: { dumpType: number } };
    await poll(() => page.locator('[data-field="bugcheckCode"]').textContent()).toBe(expected.bugcheck.code);
    expect(await page.locator('.dump-title').textContent()).toBe('sample.dmp');
    expect(await page.locator('[data-field="dumpType"]').textContent()).toContain(`(${expected.header.dumpType})`);
    expect(requests.some((url) => url.endsWith('/sample.dmp'))).toBe(true);
    // The first thing a user reads: the driver that crashed the machine, and why.
    expect(await page.locator('[data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    expect(await page.locator('[data-field="culpritAddress"]').textContent()).toBe('baddrv.sys+0xabcd (0xfffff8031234abcd)');
    expect(await page.locator('[data-field="culpritReason"]').textContent()).toContain('parameter 4');
    expect(await page.locator('[data-field="bugcheckParameter4"]').textContent()).toContain('(Address that referenced memory)');
    expect(problems).toEqual([]);
  });

  it.each([
    ['not-a-dump.bin', 'not-a-dump'],
    ['user-minidump.dmp', 'user-mode-minidump'],
  ])('shows a readable error for %s', async (name, code) => {
    await openFixture(name);
    const box = page.locator('.error-box');
    await poll(() => box.isVisible()).toBe(true);
    expect(await box.locator('h2').textContent()).toBe(`Could not open ${name}`);
    expect(await box.locator('.error-code').textContent()).toBe(code);
    expect(await box.locator('.error-message').textContent()).toMatch(/\S/);
    expect(await page.locator('[data-field="dumpType"]').count()).toBe(0);
  });

  it('replaces an error with the next dump opened', async () => {
    await openFixture('not-a-dump.bin');
    await poll(() => page.locator('.error-box').isVisible()).toBe(true);
    await openFixture('full-two-runs.dmp');
    await poll(() => page.locator('[data-field="bugcheckCode"]').textContent()).toBe('0x3b');
    expect(await page.locator('.error-box').count()).toBe(0);
  });
});

describe('drag and drop', () => {
  it('opens a file dropped on the page', async () => {
    const bytes = [...readFileSync(fixture('full-two-runs.dmp'))];
    await page.evaluate((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'dropped.dmp'));
      document.querySelector('[data-role="drop-zone"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes);
    await poll(() => page.locator('[data-field="bugcheckCode"]').textContent()).toBe('0x3b');
    expect(await page.locator('.dump-title').textContent()).toBe('dropped.dmp');
  });
});

describe('a dump that stays on the server', () => {
  it('opens ?url= with HTTP range requests', async () => {
    await page.goto(`${server.url}?url=/fixtures/full-two-runs.dmp`);
    await poll(() => page.locator('[data-field="bugcheckCode"]').textContent()).toBe('0x3b');
    expect(await page.locator('.dump-title').textContent()).toBe('full-two-runs.dmp');
    expect(rangeRequests.some((r) => /^\/fixtures\/full-two-runs\.dmp bytes=\d+-\d+$/.test(r))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('says why a URL cannot be opened', async () => {
    await page.goto(`${server.url}?url=/fixtures/missing.dmp`);
    const box = page.locator('.error-box');
    await poll(() => box.isVisible()).toBe(true);
    expect(await box.locator('.error-code').textContent()).toBe('source-failed');
    expect(await box.locator('.error-message').textContent()).toContain('404');
  });
});
