// Shared by the viewer's browser tests: the built site on a local static server (fixtures mounted under
// /fixtures/), one Chromium for the file, a fresh context per test, and the checks every test ends with: no request
// left the server's origin and the page broke no Content-Security-Policy rule.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serveStatic } from '../../scripts/static-server.mjs';
import { fixture, paths } from '../wasm/support';
import { BROWSER_WAIT_MS, launchChromium } from './browser';

export interface ViewerPage {
  readonly server: { url: string; close: () => Promise<void> };
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the page and its workers requested. */
  readonly requests: string[];
  /** "path bytes=a-b" for each request with a Range header. */
  readonly rangeRequests: string[];
  /** Console errors, page errors and CSP violations. */
  readonly problems: string[];
}

export interface ViewerPageOptions {
  /** What each test starts on, relative to the site ("" by default); null: no page is loaded. */
  path?: string | null;
  permissions?: string[];
  viewport?: { width: number; height: number };
  /** More directories to serve ({"/sparse/": "/tmp/x/"}), made once before the tests. */
  mounts?: () => Record<string, string>;
  /** Single files at exact paths ({"/symbols.html": "/tmp/x/page.html"}), made once before the tests. */
  files?: () => Record<string, string>;
  /** Other origins the page may reach (a test's symbol server); every other origin still fails the test. */
  allowedOrigins?: () => string[];
}

/** Registers the hooks; the returned object's fields are valid inside tests. */
export function useViewerPage(options: ViewerPageOptions = {}): ViewerPage {
  const state = {} as { -readonly [K in keyof ViewerPage]: ViewerPage[K] };
  beforeAll(async () => {
    state.server = await serveStatic(paths.dist, { mounts: { '/fixtures/': paths.fixtures, ...options.mounts?.() }, files: options.files?.() ?? {} });
    state.browser = await launchChromium();
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.server?.close();
  });
  beforeEach(async () => {
    state.requests = [];
    state.rangeRequests = [];
    state.problems = [];
    state.context = await state.browser.newContext({ acceptDownloads: true, ...(options.viewport ? { viewport: options.viewport } : {}) });
    // Playwright's own 30 s waits are a ceiling for a hung page, not a speed test: generous on a busy machine.
    state.context.setDefaultTimeout(BROWSER_WAIT_MS);
    if (options.permissions) await state.context.grantPermissions(options.permissions, { origin: new URL(state.server.url).origin });
    // The context sees the requests of the page and of its workers.
    state.context.on('request', (request) => {
      state.requests.push(request.url());
      const range = request.headers()['range'];
      if (range) state.rangeRequests.push(`${new URL(request.url()).pathname} ${range}`);
    });
    // An init script is not subject to the page's CSP; it records violations the page itself would only log.
    await state.context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
      });
    });
    state.page = await state.context.newPage();
    state.page.on('console', (message) => {
      if (message.type() === 'error') state.problems.push(`console: ${message.text()}`);
    });
    state.page.on('pageerror', (error) => state.problems.push(`page error: ${error.message}`));
    if (options.path !== null) await state.page.goto(new URL(options.path ?? '', state.server.url).href);
  });
  afterEach(async () => {
    await state.context?.close();
    const allowed = new Set([new URL(state.server.url).origin, ...(options.allowedOrigins?.() ?? [])]);
    expect(state.requests.filter((url) => !url.startsWith('blob:') && !allowed.has(new URL(url).origin)), 'requests to other hosts').toEqual([]);
    expect(state.problems.filter((p) => /Content Security Policy|CSP violation/i.test(p)), 'CSP violations').toEqual([]);
    expect(state.problems.filter((p) => p.startsWith('page error')), 'uncaught errors').toEqual([]);
  });
  return state;
}

/** Polls until the value matches (the wasm module loads and the dump opens asynchronously; CI machines are shared). */
export function poll<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: BROWSER_WAIT_MS, interval: 50 });
}

/** Opens fixtures through the viewer's file input (several: the table of crashes). */
export async function openFixtures(page: Page, ...names: string[]): Promise<void> {
  await page.locator('#file-input').setInputFiles(names.map(fixture));
}
