// The viewer's optional symbol server (Chromium), against local HTTP servers on other origins that serve a symbol
// store (symdrv.pdb/GUIDAGE/symdrv.pdb, the PDB the test images build): off by default (no request), then a URL the
// user types fetches the PDB and names the culprit, and is remembered. The site is deployed as a deployer would for a
// symbol server elsewhere: the page's CSP gains connect-src for the servers' origins (scripts/vite-csp-plugin.ts, the
// function the build uses). A server without CORS headers, and a page whose CSP does not name the server, give a
// warning and no names.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../scripts/static-server.mjs';
import { withConnectOrigins } from '../../scripts/vite-csp-plugin';
import type { Summary } from '../../web/src/summary';
import { cliSummary, fixture, paths } from '../wasm/support';
import { openFixtures, poll, useViewerPage } from './harness';

type Server = { url: string; close: () => Promise<void> };
let dir: string;
let withCors: Server;
let withoutCors: Server;
/** "symdrv.pdb/<GUID><age>/symdrv.pdb", from the CLI's reading of the image in the dump. */
let storePath: string;

beforeAll(async () => {
  const summary = cliSummary(fixture('symbols-x64.dmp')) as unknown as Summary;
  const pdb = summary.modules.find((m) => m.name === 'symdrv.sys')!.image!.pdb!;
  expect(pdb.name.split(/[\\/]/).pop()).toBe('symdrv.pdb');
  storePath = `symdrv.pdb/${pdb.guid.replace(/-/g, '').toUpperCase()}${pdb.age.toString(16).toUpperCase()}/symdrv.pdb`;
  dir = mkdtempSync(path.join(tmpdir(), 'kdmpview-symstore-'));
  const store = path.join(dir, 'store');
  mkdirSync(path.dirname(path.join(store, storePath)), { recursive: true });
  copyFileSync(fixture('symdrv.pdb'), path.join(store, storePath));
  withCors = await serveStatic(store, { headers: { 'Access-Control-Allow-Origin': '*' } });
  withoutCors = await serveStatic(store);
  // The site as deployed with KDMP_SYMBOL_SERVER_ORIGINS naming both servers.
  const index = readFileSync(path.join(paths.dist, 'index.html'), 'utf8');
  const deployed = index.replace(/(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")/, (_, open: string, policy: string, close: string) =>
    `${open}${withConnectOrigins(policy, [new URL(withCors.url).origin, new URL(withoutCors.url).origin])}${close}`);
  expect(deployed).toMatch(/connect-src 'self' http:\/\/127\.0\.0\.1:\d+ http:\/\/127\.0\.0\.1:\d+/);
  writeFileSync(path.join(dir, 'deployed.html'), deployed);
});

afterAll(async () => {
  await withCors?.close();
  await withoutCors?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Registered after the servers above start: the page file and the allowed origins exist by then.
const t = useViewerPage({
  path: null,
  files: () => ({ '/deployed.html': path.join(dir, 'deployed.html') }),
  allowedOrigins: () => [new URL(withCors.url).origin, new URL(withoutCors.url).origin],
});

const culpritAddress = () => t.page.locator('[data-panel="crash"] [data-field="culpritAddress"]').textContent();
const status = () => t.page.locator('[data-role="status"]').textContent();
const warnings = () => t.page.locator('[data-role="symbol-warnings"] li').allTextContents();
const toServers = () => t.requests.filter((url) => url.startsWith(withCors.url) || url.startsWith(withoutCors.url));

async function useServer(url: string): Promise<void> {
  await t.page.locator('[data-role="symbol-menu"] > summary').click();
  await t.page.locator('[data-field="symbolServerUrl"]').fill(url);
  await t.page.locator('[data-action="save-symbol-server"]').click();
}

describe('the symbol server', () => {
  it('is off by default: opening a dump asks no server', async () => {
    await t.page.goto(`${t.server.url}deployed.html`);
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x[0-9a-f]+ \(0x/);
    await t.page.locator('[data-role="symbol-menu"] > summary').click();
    expect(await t.page.locator('[data-field="symbolServerState"]').textContent()).toBe('No symbol server: the viewer makes no request for symbols.');
    expect(await t.page.locator('[data-field="symbolServerUrl"]').inputValue()).toBe('');
    expect(toServers()).toEqual([]);
  });

  it('fetches URL/name.pdb/GUIDAGE/name.pdb from a server that allows the page, names the culprit, and is remembered', async () => {
    await t.page.goto(`${t.server.url}deployed.html`);
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x/);
    await useServer(withCors.url);
    await poll(culpritAddress).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);
    await poll(status).toBe('Symbol server: 1 of 1 PDB(s) downloaded.');
    expect(toServers()).toEqual([`${withCors.url}${storePath}`]);
    expect(await warnings()).toEqual([]);

    // The next visit asks the server by itself, once per module.
    await t.page.reload();
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv!SymFaultingFunction\+0x10 \(0x/);
    expect(toServers()).toEqual([`${withCors.url}${storePath}`, `${withCors.url}${storePath}`]);
    // Off again: no more requests.
    await t.page.locator('[data-role="symbol-menu"] > summary').click();
    await t.page.locator('[data-action="symbol-server-off"]').click();
    await t.page.reload();
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x/);
    expect(toServers().length).toBe(2);
  });

  it('a server without CORS headers: a warning that says why, and module+offset stays', async () => {
    await t.page.goto(`${t.server.url}deployed.html`);
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x/);
    await useServer(withoutCors.url);
    await poll(warnings).toEqual([`symdrv.sys: ${withoutCors.url}${storePath} could not be fetched (Failed to fetch): the server must allow this page's origin (CORS) and the page's Content-Security-Policy must allow the server`]);
    await poll(status).toMatch(/^Symbol server: 0 of 1 PDB\(s\) downloaded; 1 not: /);
    expect(await culpritAddress()).toMatch(/^symdrv\.sys\+0x/);
  });

  it('the shipped CSP (connect-src: the page\'s origin only): a warning, and no request leaves the page', async () => {
    await t.page.goto(t.server.url);
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x/);
    await useServer(withCors.url);
    const origin = new URL(withCors.url).origin;
    await poll(warnings).toEqual([`The page's Content-Security-Policy does not allow ${origin} (connect-src): deploy the viewer with a policy that allows it, or reach the server through a proxy on ${new URL(t.server.url).origin}.`]);
    expect(toServers()).toEqual([]);
    expect(await culpritAddress()).toMatch(/^symdrv\.sys\+0x/);
  });

  it('a server on the page\'s own origin (a proxy) needs no CSP change; a PDB it lacks is a 404 warning', async () => {
    await t.page.goto(t.server.url);
    await openFixtures(t.page, 'symbols-x64.dmp');
    await poll(culpritAddress).toMatch(/^symdrv\.sys\+0x/);
    // The site's /fixtures/ folder is not a symbol store: the server answers 404.
    await useServer(`${t.server.url}fixtures/`);
    await poll(warnings).toEqual([`symdrv.sys: ${t.server.url}fixtures/${storePath} answered HTTP 404 (the server does not have this PDB)`]);
    expect(toServers()).toEqual([]);
  });
});
