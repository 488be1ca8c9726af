// Embedding the built site (dist/) in Chromium, the two ways docs/embedding.md describes:
//  - <kdmp-viewer> on a host page of the same origin (tests/e2e/host/element.html), fed a File or a src URL;
//  - embed.html in an iframe on another origin, driven by postMessage (tests/e2e/host/iframe.html), with the
//    allow-list of embed-config.json deciding which host origins count;
// and the site served under a sub-path. Every test checks that no request leaves the origins under test and that
// nothing breaks the CSP.
//
// Origins: server A serves the host pages at its root, dist/ under /kdmp/ (so everything runs from a sub-path), the
// npm package (build/npm, or KDMP_NPM) under /pkg/, the fixtures under /fixtures/, and /kdmp/embed-config.json. The iframe viewer is A as http://localhost:<A> (another
// origin than http://127.0.0.1:<A>); server B (http://127.0.0.1:<B>) serves the host pages again: the allowed host.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { serveStatic } from '../../scripts/static-server.mjs';
import type { ViewerMessage } from '../../web/src/embed/embed-protocol';
import type {} from '../../web/src/embed/kdmp-viewer-element';  // HTMLElementTagNameMap['kdmp-viewer']
import type { Summary } from '../../web/src/summary';
import { cliSummary, fixture, paths } from '../wasm/support';
import { BROWSER_WAIT_MS, launchChromium } from './browser';

declare global {
  interface Window {
    events: { type: string; detail: unknown }[];
    messages: ViewerMessage[];
    post(message: unknown): void;
    symbolStatuses: unknown[];
  }
}

const hostPages = fileURLToPath(new URL('./host', import.meta.url));
let configDir: string;
let serverA: { url: string; close: () => Promise<void> };
let serverB: { url: string; close: () => Promise<void> };
/** http://127.0.0.1:<A>, http://localhost:<A> (the iframe viewer), http://127.0.0.1:<B> (the allowed host). */
let origins: { a: string; viewer: string; host: string };
let browser: Browser;
let context: BrowserContext;
let page: Page;
let requests: string[];
/** "<path> <Range header>" of the requests that had one. */
let rangeRequests: string[];
let problems: string[];
let warnings: string[];

beforeAll(async () => {
  serverB = await serveStatic(hostPages);
  const host = new URL(serverB.url).origin;
  configDir = mkdtempSync(path.join(tmpdir(), 'kdmpview-embed-'));
  const config = path.join(configDir, 'embed-config.json');
  writeFileSync(config, JSON.stringify({ allowedOrigins: [host, 'https://*.portal.example'] }));
  serverA = await serveStatic(hostPages, {
    mounts: { '/kdmp/': paths.dist, '/pkg/': process.env.KDMP_NPM ?? paths.npm, '/fixtures/': paths.fixtures },
    files: { '/kdmp/embed-config.json': config },
  });
  const a = new URL(serverA.url);
  origins = { a: a.origin, viewer: `http://localhost:${a.port}`, host };
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await serverA?.close();
  await serverB?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

beforeEach(async () => {
  requests = [];
  rangeRequests = [];
  problems = [];
  warnings = [];
  context = await browser.newContext();
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  // The context sees the requests of the pages, their frames and their workers.
  context.on('request', (request) => {
    requests.push(request.url());
    const range = request.headers()['range'];
    if (range) rangeRequests.push(`${new URL(request.url()).pathname} ${range}`);
  });
  // An init script is not subject to the page's CSP; it records violations the page itself would only log. It runs
  // in every frame, the cross-origin iframe too.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
});

afterEach(async () => {
  await context?.close();
  const allowed = new Set(Object.values(origins));
  expect(requests.filter((url) => !allowed.has(new URL(url).origin)), 'requests to other hosts').toEqual([]);
  expect(problems.filter((p) => /Content Security Policy|CSP violation/i.test(p)), 'CSP violations').toEqual([]);
});

// Loading the wasm module and opening a dump takes well under a second here, but CI machines are shared.
function poll<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: BROWSER_WAIT_MS, interval: 50 });
}

function withoutTool(summary: unknown): object {
  const { tool: _tool, file: _file, ...rest } = summary as Record<string, unknown>;
  return rest;
}

const sample = () => cliSummary(fixture('sample.dmp')) as unknown as Summary;

describe('<kdmp-viewer> on a host page', () => {
  beforeEach(async () => {
    await page.goto(`${origins.a}/element.html`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  const events = () => page.evaluate(() => window.events);
  const eventsOf = async (type: string) => (await events()).filter((e) => e.type === type);

  it('opens a File set on .file, fires kdmp-open with the summary, and shows the crash in its shadow root', async () => {
    await page.locator('#file').setInputFiles(fixture('sample.dmp'));
    await poll(async () => (await eventsOf('kdmp-open')).length).toBe(1);
    const [open] = await eventsOf('kdmp-open');
    const detail = open!.detail as { name: string; summary: Summary };
    const expected = sample();
    expect(detail.name).toBe('sample.dmp');
    expect(detail.summary.bugcheck.code).toBe(expected.bugcheck.code);
    expect(detail.summary.culprit?.module).toBe('baddrv.sys');
    expect(withoutTool(detail.summary)).toEqual(withoutTool(expected));
    expect(await page.evaluate(() => document.querySelector('kdmp-viewer')!.summary?.bugcheck.code)).toBe(expected.bugcheck.code);

    // The viewer renders inside the shadow root (Playwright's CSS locators pierce open shadow roots), and the page's
    // own document stays untouched.
    const culprit = page.locator('kdmp-viewer [data-field="culpritModule"]');
    await poll(() => culprit.textContent()).toBe('baddrv.sys');
    expect(await page.evaluate(() => document.querySelector('[data-field]'))).toBeNull();
    expect(await page.evaluate(() => document.querySelector('kdmp-viewer')!.shadowRoot!.querySelector('[data-field="culpritModule"]')?.textContent)).toBe('baddrv.sys');
    // The theme variables reach the shadow root (:root, :host in styles.css), so the tabs are styled.
    const accent = await page.evaluate(() => getComputedStyle(document.querySelector('kdmp-viewer')!).getPropertyValue('--accent').trim());
    expect(accent).toMatch(/^#[0-9a-f]{3,6}$/i);
    // no-open: the host opens dumps, the drop zone is hidden.
    expect(await page.locator('kdmp-viewer [data-role="drop-zone"]').isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it('opens a same-origin src URL with HTTP range requests, and moves to the view and address attributes', async () => {
    const expected = sample();
    await page.evaluate(() => {
      const viewer = document.querySelector('kdmp-viewer')!;
      viewer.setAttribute('view', 'modules');
      viewer.setAttribute('src', '/fixtures/sample.dmp');
    });
    await poll(async () => (await eventsOf('kdmp-open')).length).toBe(1);
    const [open] = await eventsOf('kdmp-open');
    expect((open!.detail as { summary: Summary }).summary.bugcheck.code).toBe(expected.bugcheck.code);
    expect((open!.detail as { name: string }).name).toBe('sample.dmp');
    expect(requests.some((url) => url === `${origins.a}/fixtures/sample.dmp`)).toBe(true);
    expect(rangeRequests.some((r) => /^\/fixtures\/sample\.dmp bytes=\d+-\d+$/.test(r))).toBe(true);
    // view="modules" set before the dump opened applies once it is open.
    await poll(() => page.locator('kdmp-viewer [data-tab="modules"]').getAttribute('aria-selected')).toBe('true');
    expect(await eventsOf('kdmp-navigate')).toContainEqual({ type: 'kdmp-navigate', detail: { view: 'modules' } });

    // An address alone means the hex view at that address.
    const address = expected.culprit!.address;
    await page.evaluate((a) => {
      const viewer = document.querySelector('kdmp-viewer')!;
      viewer.removeAttribute('view');
      viewer.setAttribute('address', a);
    }, address);
    await poll(() => page.locator('kdmp-viewer [data-tab="hex"]').getAttribute('aria-selected')).toBe('true');
    // The hex view reports where its cursor came to rest: the host hears it as kdmp-navigate.
    await poll(async () => (await eventsOf('kdmp-navigate')).map((e) => e.detail)).toContainEqual({ view: 'hex', space: 'virtual', address });
  });

  it('refuses a src on another origin without requesting it', async () => {
    const elsewhere = `${origins.viewer}/fixtures/sample.dmp`;
    await page.evaluate((url) => {
      document.querySelector('kdmp-viewer')!.src = url;
    }, elsewhere);
    await poll(async () => (await eventsOf('kdmp-error')).length).toBe(1);
    const [error] = await eventsOf('kdmp-error');
    expect(error!.detail).toMatchObject({ name: 'sample.dmp', error: { code: 'cross-origin-url' } });
    expect(requests).not.toContain(elsewhere);
    expect(await eventsOf('kdmp-open')).toEqual([]);
  });

  it('takes symbol files through addSymbols(): their status (and kdmp-symbols), and the names in the viewer', async () => {
    await page.locator('#file').setInputFiles(fixture('symbols-x64.dmp'));
    await poll(async () => (await eventsOf('kdmp-open')).length).toBe(1);
    const culprit = page.locator('kdmp-viewer [data-field="culpritAddress"]');
    await poll(() => culprit.textContent()).toMatch(/^symdrv\.sys\+0x/);
    await page.locator('#symbols').setInputFiles([fixture('symdrv.pdb'), fixture('symdrva.pdb')]);
    await poll(() => page.evaluate(() => window.symbolStatuses.length)).toBe(1);
    const statuses = [{ name: 'symdrv.pdb', kind: 'pdb', used: true }, { name: 'symdrva.pdb', kind: 'pdb', used: false }];
    expect((await page.evaluate(() => window.symbolStatuses))[0]).toEqual(statuses);
    expect((await eventsOf('kdmp-symbols')).map((e) => e.detail)).toEqual([{ files: statuses }]);
    await poll(() => culprit.textContent()).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);
    await page.locator('kdmp-viewer [data-tab="registers"]').click();
    await poll(() => page.locator('kdmp-viewer [data-field="register-rip-symbol"]').textContent()).toBe('symdrv!SymFaultingFunction+0x10');
    // Named bytes too, and what is not a symbol file is said to be one.
    const more = await page.evaluate(async () => {
      const data = new Uint8Array(await (await fetch('/fixtures/sample.dmp')).arrayBuffer());
      return document.querySelector('kdmp-viewer')!.addSymbols([{ name: 'notes.pdb', data }]);
    });
    expect(more.find((s) => s.name === 'notes.pdb')).toMatchObject({ name: 'notes.pdb', kind: null, used: false });
    expect(await page.evaluate(() => document.querySelector('kdmp-viewer')!.addSymbols([{ name: '', data: new Blob([]) }]).then(() => 'ok', (e: Error) => e.message)))
      .toBe('addSymbols: each file must be a File, or {name, data: Blob | Uint8Array}');
  });

  it('reports a file that is not a dump, then closes', async () => {
    await page.locator('#file').setInputFiles(fixture('not-a-dump.bin'));
    await poll(async () => (await eventsOf('kdmp-error')).length).toBe(1);
    expect((await eventsOf('kdmp-error'))[0]!.detail).toMatchObject({ name: 'not-a-dump.bin', error: { code: 'not-a-dump' } });
    await poll(() => page.locator('kdmp-viewer .error-box .error-code').textContent()).toBe('not-a-dump');

    await page.locator('#file').setInputFiles(fixture('sample.dmp'));
    await poll(async () => (await eventsOf('kdmp-open')).length).toBe(1);
    await page.evaluate(() => document.querySelector('kdmp-viewer')!.close());
    await poll(async () => (await eventsOf('kdmp-close')).length).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.querySelector('kdmp-viewer')!.summary)).toBeNull();
    expect(await page.locator('kdmp-viewer [data-field="culpritModule"]').count()).toBe(0);
  });
});

describe('the npm package\'s <kdmp-viewer> (kdmpview/element)', () => {
  it('opens a picked file with the package\'s worker, wasm and stylesheet', async () => {
    await page.goto(`${origins.a}/package-element.html`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#file').setInputFiles(fixture('sample.dmp'));
    await poll(() => page.evaluate(() => window.events.filter((e) => e.type === 'kdmp-open').length)).toBe(1);
    const summary = await page.evaluate(() => document.querySelector('kdmp-viewer')!.summary);
    expect(withoutTool(summary)).toEqual(withoutTool(sample()));
    await poll(() => page.locator('kdmp-viewer [data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    const accent = await page.evaluate(() => getComputedStyle(document.querySelector('kdmp-viewer')!).getPropertyValue('--accent').trim());
    expect(accent).toMatch(/^#[0-9a-f]{3,6}$/i);
    const paths = requests.map((url) => new URL(url).pathname);
    expect(paths).toEqual(expect.arrayContaining(['/pkg/element.js', '/pkg/worker.js', '/pkg/kdmpview.wasm', '/pkg/kdmp-viewer.css']));
    expect(problems).toEqual([]);
  });
});

describe('embed.html in an iframe on another origin', () => {
  const viewerPage = () => `${origins.viewer}/kdmp/embed.html`;
  let frame: Frame;

  async function openHost(hostOrigin: string): Promise<void> {
    await page.goto(`${hostOrigin}/iframe.html?viewer=${encodeURIComponent(viewerPage())}`);
    await page.waitForSelector('body[data-ready="true"]');
    frame = page.frames().find((f) => f.url() === viewerPage())!;
    expect(frame).toBeDefined();
  }

  const messages = () => page.evaluate(() => window.messages);
  const messagesOf = async <T extends ViewerMessage['type']>(type: T) =>
    (await messages()).filter((m): m is Extract<ViewerMessage, { type: T }> => m.type === type);

  it('from an allowed origin: ready, then a posted File opens and its summary comes back', async () => {
    await openHost(origins.host);
    await poll(async () => (await messagesOf('kdmpview:ready')).length).toBe(1);
    expect((await messagesOf('kdmpview:ready'))[0]).toEqual({ type: 'kdmpview:ready', version: 2 });

    await page.locator('#file').setInputFiles(fixture('sample.dmp'));
    await poll(async () => (await messagesOf('kdmpview:opened')).length).toBe(1);
    const [opened] = await messagesOf('kdmpview:opened');
    const expected = sample();
    expect(opened!.name).toBe('sample.dmp');
    expect(opened!.summary.bugcheck.code).toBe(expected.bugcheck.code);
    expect(withoutTool(opened!.summary)).toEqual(withoutTool(expected));
    await poll(() => frame.locator('[data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    // No page chrome in the frame: the viewer only.
    expect(await frame.locator('.app-header').count()).toBe(0);

    // navigate: the viewer moves and says so; close: the dump goes away.
    await page.evaluate(() => window.post({ type: 'kdmpview:navigate', view: 'modules' }));
    await poll(() => frame.locator('[data-tab="modules"]').getAttribute('aria-selected')).toBe('true');
    await poll(async () => messagesOf('kdmpview:navigate')).toContainEqual({ type: 'kdmpview:navigate', view: 'modules' });
    const address = expected.culprit!.address;
    await page.evaluate((a) => window.post({ type: 'kdmpview:navigate', view: 'hex', address: a }), address);
    await poll(() => frame.locator('[data-tab="hex"]').getAttribute('aria-selected')).toBe('true');
    await poll(async () => messagesOf('kdmpview:navigate')).toContainEqual({ type: 'kdmpview:navigate', view: 'hex', space: 'virtual', address });
    await page.evaluate(() => window.post({ type: 'kdmpview:close' }));
    await poll(async () => (await messagesOf('kdmpview:closed')).length).toBeGreaterThan(0);
    await poll(() => frame.locator('[data-field="culpritModule"]').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(warnings.filter((w) => w.startsWith('kdmpview:'))).toEqual([]);
  });

  it('takes symbol files posted as kdmpview:symbols and answers with every file\'s status', async () => {
    await openHost(origins.host);
    await poll(async () => (await messagesOf('kdmpview:ready')).length).toBe(1);
    await page.locator('#file').setInputFiles(fixture('symbols-x64.dmp'));
    await poll(async () => (await messagesOf('kdmpview:opened')).length).toBe(1);
    await poll(() => frame.locator('[data-field="culpritAddress"]').textContent()).toMatch(/^symdrv\.sys\+0x/);
    await page.locator('#symbols').setInputFiles(fixture('symdrv.pdb'));
    await poll(async () => (await messagesOf('kdmpview:symbols')).length).toBe(1);
    expect((await messagesOf('kdmpview:symbols'))[0]).toEqual({ type: 'kdmpview:symbols', files: [{ name: 'symdrv.pdb', kind: 'pdb', used: true }] });
    await poll(() => frame.locator('[data-field="culpritAddress"]').textContent()).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);
    // A PDB of nothing loaded is listed as unused; a named Blob is a file too; anything else is a bad message.
    await page.locator('#symbols').setInputFiles(fixture('symdrva.pdb'));
    await poll(async () => (await messagesOf('kdmpview:symbols')).length).toBe(2);
    expect((await messagesOf('kdmpview:symbols'))[1]!.files).toContainEqual({ name: 'symdrva.pdb', kind: 'pdb', used: false });
    await page.evaluate(() => {
      const data = (document.getElementById('symbols') as HTMLInputElement).files![0]!.slice();
      window.post({ type: 'kdmpview:symbols', files: [{ name: 'arm64.pdb', data }] });
      window.post({ type: 'kdmpview:symbols', files: ['symdrv.pdb'] });
    });
    await poll(async () => (await messagesOf('kdmpview:symbols')).length).toBe(3);
    expect((await messagesOf('kdmpview:symbols'))[2]!.files).toContainEqual({ name: 'arm64.pdb', kind: 'pdb', used: false });
    await poll(async () => (await messagesOf('kdmpview:error')).map((m) => m.error.message)).toEqual(['kdmpview:symbols: files[0] must be a File, or {name, data: Blob} with a non-empty name']);
  });

  it('opens a URL on the viewer\'s origin, and refuses other origins and malformed messages', async () => {
    await openHost(origins.host);
    await poll(async () => (await messagesOf('kdmpview:ready')).length).toBe(1);
    // Relative to embed.html: http://localhost:<A>/fixtures/full-two-runs.dmp.
    await page.evaluate(() => window.post({ type: 'kdmpview:open', url: '../fixtures/full-two-runs.dmp' }));
    await poll(async () => (await messagesOf('kdmpview:opened')).length).toBe(1);
    expect((await messagesOf('kdmpview:opened'))[0]).toMatchObject({ name: 'full-two-runs.dmp', summary: { bugcheck: { code: '0x3b' } } });
    expect(requests).toContain(`${origins.viewer}/fixtures/full-two-runs.dmp`);
    expect(rangeRequests.some((r) => /^\/fixtures\/full-two-runs\.dmp bytes=\d+-\d+$/.test(r))).toBe(true);

    await page.evaluate((url) => window.post({ type: 'kdmpview:open', url }), `${origins.host}/fixtures/sample.dmp`);
    await page.evaluate(() => window.post({ type: 'kdmpview:navigate', view: 'settings' }));
    await poll(async () => (await messagesOf('kdmpview:error')).length).toBe(2);
    const [crossOrigin, malformed] = await messagesOf('kdmpview:error');
    expect(crossOrigin).toMatchObject({ name: 'sample.dmp', error: { code: 'cross-origin-url' } });
    expect(malformed).toMatchObject({ error: { code: 'bad-message' } });
    expect(malformed!.error.message).toContain('view must be one of');
    expect(requests.filter((url) => url.endsWith('/fixtures/sample.dmp'))).toEqual([]);
  });

  it('from an origin not on the list: the message is ignored with a warning naming the origin', async () => {
    await openHost(origins.a);  // http://127.0.0.1:<A>: not in embed-config.json
    const warned = `kdmpview: ignored a message from ${origins.a}`;
    await poll(() => warnings.some((w) => w.includes(`(${origins.a}) is not in embed-config.json`))).toBe(true);
    await page.locator('#file').setInputFiles(fixture('sample.dmp'));
    await poll(() => warnings.some((w) => w.startsWith(warned))).toBe(true);
    // The warning is logged once the message has been judged: nothing was opened and nothing was said to the host.
    expect(await messages()).toEqual([]);
    expect(await frame.locator('[data-field="culpritModule"]').count()).toBe(0);
    expect(await frame.locator('.status').textContent()).toBe('');
  });
});

describe('the site under a sub-path', () => {
  it('opens the sample from /kdmp/ and loads everything from under it', async () => {
    await page.goto(`${origins.a}/kdmp/`);
    await page.getByRole('button', { name: 'Open the sample dump' }).click();
    await poll(() => page.locator('[data-field="culpritModule"]').textContent()).toBe('baddrv.sys');
    expect(await page.locator('[data-field="bugcheckCode"]').first().textContent()).toBe(sample().bugcheck.code);
    const paths = requests.map((url) => new URL(url).pathname);
    expect(paths).toContain('/kdmp/sample.dmp');
    expect(paths.some((p) => /^\/kdmp\/assets\/worker-[\w-]+\.js$/.test(p))).toBe(true);
    expect(paths.some((p) => /^\/kdmp\/assets\/kdmpview-[\w-]+\.wasm$/.test(p))).toBe(true);
    expect(paths.filter((p) => !p.startsWith('/kdmp/'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
