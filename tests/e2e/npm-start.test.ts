// `npm start` as the README gives it: it builds only what serving needs (build.sh --serve: the fixture writer, the
// wasm module and the site; no native tests, type-check or npm package), serves, and the page it serves opens the
// sample dump with one click, under the site's CSP and without a request leaving the origin. Run after a build, so
// the build steps only check and skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSummary, fixture } from '../wasm/support';
import { BROWSER_WAIT_MS, launchChromium } from './browser';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm start', () => {
  let server: ChildProcess;
  let browser: Browser;
  let output = '';
  let url = '';

  beforeAll(async () => {
    // As from a shell: without Vitest's variables (NODE_ENV=test would make a rebuild of the site a development one,
    // without the service worker). PORT=0: a free port, which the server prints. detached: the test stops npm, bash
    // and node together.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_ENV$|TEST$)/.test(key)));
    server = spawn('npm', ['start'], { cwd: root, env: { ...env, PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        const serving = /serving dist at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (serving) resolve(serving[1]!);
      };
      server.stdout!.on('data', seen);
      server.stderr!.on('data', seen);
      server.once('exit', (code) => reject(new Error(`npm start exited (${code}) before serving:\n${output}`)));
    });
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  });

  it('builds only what serving needs, in order, before it serves', () => {
    const steps = [...output.matchAll(/^build: (.*?) \[\d+s\]$/gm)].map((m) => m[1]);
    expect(steps).toContain('fixture writer (build/)');
    expect(steps).toContain('wasm (build-wasm/)');
    expect(steps.at(-1)).toBe('done');
    for (const step of steps) expect(step).not.toMatch(/type-check|npm package|^native/);
    expect(output.indexOf('build: done')).toBeLessThan(output.indexOf('serving dist at'));
  });

  it('serves a page that opens the sample dump with one click, under its CSP, with no request leaving its origin', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(BROWSER_WAIT_MS);
    const requests: string[] = [];
    const problems: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective}`));
    });
    const page = await context.newPage();
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'");

    await page.getByRole('button', { name: 'Open the sample dump' }).click();
    const sample = cliSummary(fixture('sample.dmp')) as unknown as { bugcheck: { code: string } };
    await expect.poll(() => page.locator('[data-field="culpritModule"]').textContent(), { timeout: BROWSER_WAIT_MS }).toBe('baddrv.sys');
    expect(await page.locator('[data-field="bugcheckCode"]').first().textContent()).toBe(sample.bugcheck.code);
    expect(await page.locator('.dump-title').textContent()).toBe('sample.dmp');

    const origin = new URL(url).origin;
    expect(requests.filter((r) => !r.startsWith('blob:') && new URL(r).origin !== origin)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
