// The built site offline (dist/sw.js, web/src/offline/): once its service worker controls the page, a reload with the
// network gone still brings the viewer back and it opens dumps; the sample works offline after one use online; dumps
// read with HTTP Range requests (?url=) still go to the server and are never cached. The harness checks after each
// test that no request left the origin and that no CSP rule was broken (the worker is same-origin: default-src 'self').
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cliSummary, fixture, paths } from '../wasm/support';
import { openFixtures, poll, useViewerPage } from './harness';

// The site is also mounted under /kdmp/, to check that the worker's scope follows the sub-path.
const t = useViewerPage({ mounts: () => ({ '/kdmp/': paths.dist }) });

/** What the worker should precache: every file of the build but itself, the sample, the allow-list, dot files. */
function builtFiles(): string[] {
  return readdirSync(paths.dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(paths.dist, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((file) => !['sw.js', 'sample.dmp', 'embed-config.json'].includes(file) && !file.split('/').some((part) => part.startsWith('.')))
    .sort();
}

/** The disassemblers' chunks and .wasm: cached on first use, not at install. */
const isDisassembler = (file: string) => /^assets\/(iced|capstone)[\w-]*-[\w-]+\.(js|wasm)$/.test(file);

function expectedPrecache(): string[] {
  return builtFiles().filter((file) => !isDisassembler(file));
}

/** The build's version, as the plugin wrote it into sw.js (part of the cache's name). */
function buildVersion(): string {
  const match = /"version":"([0-9a-f]{8})"/.exec(readFileSync(path.join(paths.dist, 'sw.js'), 'utf8'));
  if (!match?.[1]) throw new Error('no manifest version in sw.js');
  return match[1];
}

/** Waits for the worker to be active, then reloads so that it controls the page; returns its scope. */
async function underServiceWorker(page: Page): Promise<string> {
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(new URL('sw.js', scope).href);
  return scope;
}

/** Every cache of the origin, by name, with the paths of its entries (sorted). */
function caches(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const all: Record<string, string[]> = {};
    for (const name of await self.caches.keys()) {
      const requests = await (await self.caches.open(name)).keys();
      all[name] = requests.map((request) => new URL(request.url).pathname).sort();
    }
    return all;
  });
}

const culprit = (page: Page) => page.locator('[data-field="culpritModule"]').textContent();

describe('the site offline', () => {
  it('precaches the build, reloads without a network and opens a picked dump', async () => {
    const { page, server } = t;
    const scope = await underServiceWorker(page);
    expect(scope).toBe(server.url);
    const precached = expectedPrecache();
    expect(precached).toContain('index.html');
    expect(precached.some((file) => /^assets\/kdmpview-[\w-]+\.wasm$/.test(file))).toBe(true);
    // The disassemblers (4.9 MB) are built but wait for their first use.
    const disassemblers = builtFiles().filter(isDisassembler);
    expect(disassemblers.some((file) => /^assets\/iced_x86_bg-[\w-]+\.wasm$/.test(file))).toBe(true);
    expect(disassemblers.some((file) => /^assets\/capstone-[\w-]+\.wasm$/.test(file))).toBe(true);
    expect(await caches(page)).toEqual({ [`kdmpview-${buildVersion()} ${scope}`]: precached.map((file) => `/${file}`) });

    await t.context.setOffline(true);
    // The network really is gone: a file the worker hands off (not the site's) cannot be fetched.
    expect(await page.evaluate(() => fetch('./fixtures/sample.dmp').then(() => 'fetched', () => 'failed'))).toBe('failed');
    const answeredByWorker: string[] = [];
    t.context.on('response', (response) => {
      if (response.fromServiceWorker()) answeredByWorker.push(new URL(response.url()).pathname);
    });
    await page.reload();
    await openFixtures(page, 'sample.dmp');
    await poll(() => culprit(page)).toBe('baddrv.sys');
    expect(await page.locator('[data-field="culpritAddress"]').textContent()).toBe('baddrv.sys+0xabcd (0xfffff8031234abcd)');
    // The page, the parser's worker and the wasm all came from the cache.
    expect(answeredByWorker).toContain('/');
    expect(answeredByWorker.some((p) => /^\/assets\/worker-[\w-]+\.js$/.test(p))).toBe(true);
    expect(answeredByWorker.some((p) => /^\/assets\/kdmpview-[\w-]+\.wasm$/.test(p))).toBe(true);
  });

  it('opens the sample offline once it was opened online', async () => {
    const { page, server } = t;
    await underServiceWorker(page);
    const sample = page.getByRole('button', { name: 'Open the sample dump' });
    await sample.click();
    await poll(() => culprit(page)).toBe('baddrv.sys');
    // The first screen's disassembly loads iced-x86 and its .wasm.
    const faultingRow = page.locator('[data-field="faultingCode"] tr[data-current="true"]');
    await poll(() => faultingRow.count()).toBe(1);
    // Cached on first use, not at install: the sample and the disassembler.
    const [entries] = Object.values(await caches(page));
    expect(entries).toContain('/sample.dmp');
    expect(entries!.some((p) => /^\/assets\/iced_x86_bg-[\w-]+\.wasm$/.test(p))).toBe(true);

    await t.context.setOffline(true);
    await page.reload();
    expect(await page.locator('[data-field="culpritModule"]').count()).toBe(0);
    const sampleResponse = page.waitForResponse(`${server.url}sample.dmp`);
    await sample.click();
    await poll(() => culprit(page)).toBe('baddrv.sys');
    expect(await page.locator('.dump-title').textContent()).toBe('sample.dmp');
    expect((await sampleResponse).fromServiceWorker()).toBe(true);
    await poll(() => faultingRow.count()).toBe(1);
  });

  it('leaves range requests to the server and never caches them', async () => {
    const { page, server } = t;
    await underServiceWorker(page);
    const ranged: { path: string; status: number; fromServiceWorker: boolean }[] = [];
    t.context.on('response', (response) => {
      if (response.request().headers()['range']) {
        ranged.push({ path: new URL(response.url()).pathname, status: response.status(), fromServiceWorker: response.fromServiceWorker() });
      }
    });
    await page.goto(`${server.url}?url=/fixtures/full-two-runs.dmp`);
    await poll(() => page.locator('[data-field="bugcheckCode"]').textContent()).toBe('0x3b');
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(t.rangeRequests.some((r) => /^\/fixtures\/full-two-runs\.dmp bytes=\d+-\d+$/.test(r))).toBe(true);
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged.filter((r) => r.path !== '/fixtures/full-two-runs.dmp' || r.status !== 206 || r.fromServiceWorker)).toEqual([]);
    const cached = Object.values(await caches(page)).flat();
    expect(cached.filter((p) => p.startsWith('/fixtures/'))).toEqual([]);
  });

  it('follows the site under a sub-path, beside the copy at the root', async () => {
    const { page, server } = t;
    const rootScope = await underServiceWorker(page);
    await page.goto(`${server.url}kdmp/`);
    const scope = await underServiceWorker(page);
    expect(scope).toBe(`${server.url}kdmp/`);
    // One cache per scope: activating one copy did not delete the other's.
    const all = await caches(page);
    expect(Object.keys(all).sort()).toEqual([`kdmpview-${buildVersion()} ${rootScope}`, `kdmpview-${buildVersion()} ${scope}`].sort());
    expect(all[`kdmpview-${buildVersion()} ${scope}`]).toEqual(expectedPrecache().map((file) => `/kdmp/${file}`));

    await t.context.setOffline(true);
    await page.reload();
    await openFixtures(page, 'system-x86.dmp');
    const expected = cliSummary(fixture('system-x86.dmp')) as { culprit: { module: string } };
    await poll(() => culprit(page)).toBe(expected.culprit.module);
    expect(await page.locator('.dump-title').textContent()).toBe('system-x86.dmp');
  });
});
