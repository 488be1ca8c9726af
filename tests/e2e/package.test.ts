// The npm package (build/npm) in Chromium, hosted by a page the way a portal would host it (tests/e2e/host):
// openDump over a File, bytes and an HTTP range URL, init() with moved files, batched reads, search with progress and cancel,
// and a sparse dump larger than 4 GiB picked through a file input.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serveStatic } from '../../scripts/static-server.mjs';
import { cliSummary, fixture, paths, sparseBitmapDump } from '../wasm/support';
import { BROWSER_WAIT_MS, launchChromium } from './browser';

type Package = typeof import('../../web/src/package/index');
declare global {
  interface Window {
    kdmp: Package;
  }
}

const pkg = paths.npm;
let elsewhere: string;  // a directory holding only a copy of kdmpview.wasm, served as /elsewhere/
let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let context: BrowserContext;
let page: Page;
let requests: { url: string; method: string; range?: string }[];

beforeAll(async () => {
  elsewhere = mkdtempSync(path.join(tmpdir(), 'kdmpview-elsewhere-'));
  copyFileSync(path.join(pkg, 'kdmpview.wasm'), path.join(elsewhere, 'kdmpview.wasm'));
  server = await serveStatic(fileURLToPath(new URL('./host', import.meta.url)), {
    mounts: { '/pkg/': pkg, '/fixtures/': paths.fixtures, '/elsewhere/': elsewhere },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(elsewhere, { recursive: true, force: true });
});

beforeEach(async () => {
  requests = [];
  context = await browser.newContext();
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  context.on('request', (request) => requests.push({ url: request.url(), method: request.method(), range: request.headers()['range'] }));
  page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
});

afterEach(async () => {
  await context?.close();
  const origin = new URL(server.url).origin;
  expect(requests.filter((r) => new URL(r.url).origin !== origin), 'requests to other hosts').toEqual([]);
});

function withoutTool(summary: object): object {
  const { tool: _tool, ...rest } = summary as Record<string, unknown>;
  return rest;
}

describe('the package in a host page', () => {
  it('opens a dump that stays on its server, with range requests', async () => {
    const result = await page.evaluate(async () => {
      const dump = await window.kdmp.openDump('/fixtures/full-two-runs.dmp');
      const summary = await dump.summary();
      const physical = await dump.readPhysical(0x11ff8n, 64);
      const found = await dump.search({ space: 'physical', pattern: { hex: '08 10 01 00 00 00 00 00' } }).results;
      await dump.close();
      return { summary, physical: physical.length, found: found.matches.map(String), size: String(dump.fileSize) };
    });
    expect(withoutTool(result.summary)).toEqual(withoutTool(cliSummary(fixture('full-two-runs.dmp'))));
    expect(result).toMatchObject({ physical: 8, found: [String(0x11008)], size: String(0x8000) });
    // A HEAD for the size, then only range requests: the file is never downloaded whole.
    const dumpRequests = requests.filter((r) => r.url.endsWith('/fixtures/full-two-runs.dmp'));
    expect(dumpRequests[0]?.method).toBe('HEAD');
    const gets = dumpRequests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(0);
    for (const get of gets) expect(get.range).toMatch(/^bytes=\d+-\d+$/);
    expect(requests.some((r) => r.url.endsWith('/pkg/kdmpview.wasm'))).toBe(true);
    expect(requests.some((r) => r.url.endsWith('/pkg/worker.js'))).toBe(true);
  });

  it('takes symbol files as an openDump option: the summary, symbolize and resolveSymbol have the names', async () => {
    const result = await page.evaluate(async () => {
      const pdb = await (await fetch('/fixtures/symdrv.pdb')).blob();
      const dump = await window.kdmp.openDump('/fixtures/symbols-x64.dmp', { symbols: [{ name: 'symdrv.pdb', data: pdb }] });
      const summary = await dump.summary();
      const address = BigInt(summary.culprit!.address);
      const [name] = await dump.symbolize([address]);
      const back = await dump.resolveSymbol('symdrv!SymFaultingFunction+0x10');
      await dump.close();
      return { symbol: summary.culprit?.symbol, name, back: String(back), address: String(address) };
    });
    expect(result).toEqual({ symbol: 'symdrv!SymFaultingFunction+0x10', name: 'symdrv!SymFaultingFunction+0x10', back: result.address, address: result.address });
  });

  it('answers batches of reads from a Blob in the worker, as the reads one by one', async () => {
    const result = await page.evaluate(async () => {
      const blob = await (await fetch('/fixtures/sample.dmp')).blob();
      const dump = await window.kdmp.openDump(blob);
      const summary = await dump.summary();
      // Each module's first bytes and a byte past its end, plus an address nothing maps.
      const addresses = summary.modules.flatMap((m) => [BigInt(m.base), BigInt(m.base) + BigInt(m.size) - 4n]);
      addresses.push(0x1000n);
      const batch = await dump.readVirtualBatch(addresses, 8);
      const single = await Promise.all(addresses.map((a) => dump.readVirtual(a, 8).then((b) => Array.from(b), (e: { code: string }) => e.code)));
      const got = addresses.map((_, i) => (batch.lengths[i] === 0 ? batch.errors[i]
        : Array.from(batch.bytes.subarray(batch.offsets[i], batch.offsets[i]! + batch.lengths[i]!))));
      const gpas = BigUint64Array.from([0x100000n, 0x12aff8n, 0x7fff_fff8n]);  // stored: 0x100000-0x12afff, 0x400000-
      const physical = await dump.readPhysicalBatch(gpas, Uint32Array.from([8, 16, 16]));
      const physicalGot = Array.from(gpas, (_, i) => (physical.lengths[i] === 0 ? physical.errors[i]
        : Array.from(physical.bytes.subarray(physical.offsets[i], physical.offsets[i]! + physical.lengths[i]!))));
      const physicalSingle = await Promise.all([[0x100000n, 8], [0x12aff8n, 16], [0x7fff_fff8n, 16]].map(([a, n]) =>
        dump.readPhysical(BigInt(a!), Number(n)).then((b) => Array.from(b), (e: { code: string }) => e.code)));
      await dump.close();
      return { got, single, count: addresses.length, gpas: gpas.length, physicalGot, physicalSingle };
    });
    expect(result.count).toBeGreaterThan(3);
    expect(result.got).toEqual(result.single);
    expect(result.got.filter((g) => Array.isArray(g) && g.length === 8).length).toBeGreaterThan(2);
    expect(result.got.at(-1)).toBe('not-present');
    expect(result.physicalSingle.map((r) => (Array.isArray(r) ? r.length : r))).toEqual([8, 8, 'page-not-in-dump']);
    expect(result.gpas).toBe(3);  // the caller's array was not transferred away
    expect(result.physicalGot).toEqual(result.physicalSingle);
  });

  it('says why a URL cannot be opened', async () => {
    const errors = await page.evaluate(async () => {
      const why = async (url: string) => window.kdmp.openDump(url).then(() => 'opened', (e: unknown) => {
        const error = e as InstanceType<Package['KdmpError']>;
        return `${String(e instanceof window.kdmp.KdmpError)} ${error.code} ${error.message}`;
      });
      return [await why('/fixtures/no-such.dmp'), await why('/fixtures/not-a-dump.bin')];
    });
    expect(errors[0]).toMatch(/^true source-failed .*no-such\.dmp.*404/);
    expect(errors[1]).toMatch(/^true not-a-dump /);
  });

  it('says when the worker or the wasm module cannot be loaded', async () => {
    const codes = await page.evaluate(async () => {
      const code = (options: Parameters<Package['openDump']>[1]) =>
        window.kdmp.openDump(new Uint8Array(16), options).then(() => 'opened', (e: { code: string }) => e.code);
      return [await code({ workerUrl: '/pkg/no-such-worker.js' }), await code({ wasmUrl: '/pkg/no-such.wasm' })];
    });
    expect(codes).toEqual(['worker-failed', 'wasm-load-failed']);
  });

  it('finds kdmpview.wasm and worker.js where init() says', async () => {
    const fileSize = await page.evaluate(async () => {
      window.kdmp.init({ wasmUrl: '/elsewhere/kdmpview.wasm', workerUrl: '/pkg/worker.js' });
      const dump = await window.kdmp.openDump(new Uint8Array(await (await fetch('/fixtures/sample.dmp')).arrayBuffer()));
      const size = String(dump.fileSize);
      await dump.close();
      return size;
    });
    expect(Number(fileSize)).toBeGreaterThan(0);
    expect(requests.some((r) => r.url.endsWith('/elsewhere/kdmpview.wasm'))).toBe(true);
    expect(requests.some((r) => r.url.endsWith('/pkg/kdmpview.wasm'))).toBe(false);
  });

  it('searches a picked file with progress, answers reads meanwhile, and cancels', async () => {
    const big = sparseBitmapDump(2);
    try {
      await page.locator('#file').setInputFiles(big.file);
      const result = await page.evaluate(async () => {
        const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
        const dump = await window.kdmp.openDump(file);
        // The comment of the sparse dump's header, then a search that would read 2 GiB of zeros.
        const comment = await dump.search({ space: 'file', pattern: { ascii: 'kdmpview sparse bitmap dump' }, end: 0x2000n }).results;
        let progressCalls = 0;
        let cancelAt = 0;
        let task: ReturnType<typeof dump.search> | undefined;
        task = dump.search({
          space: 'file',
          pattern: { utf16: 'never there' },
          onProgress: (p) => {
            if (++progressCalls === 2) {
              cancelAt = p.done;
              task?.cancel();
            }
          },
        });
        const head = await dump.readFile(0n, 8);  // answered while the search runs
        const cancelled = await task.results;
        await dump.close();
        return {
          comment: comment.matches.map(String), head: new TextDecoder().decode(head), progressCalls,
          cancelled: cancelled.cancelled, scanned: cancelled.scanned, cancelAt, size: Number(dump.fileSize),
        };
      });
      expect(result.comment).toEqual([String(0xfb0)]);
      expect(result.head).toBe('PAGEDU64');
      expect(result.cancelled).toBe(true);
      expect(result.progressCalls).toBeGreaterThanOrEqual(2);
      expect(result.scanned).toBeGreaterThanOrEqual(result.cancelAt);
      expect(result.scanned).toBeLessThan(result.size);
    } finally {
      big.remove();
    }
  });

  it('opens a sparse dump larger than 4 GiB picked through a file input and reads its last page', async () => {
    const big = sparseBitmapDump(5);
    try {
      expect(big.size).toBeGreaterThan(2 ** 32);
      await page.locator('#file').setInputFiles(big.file);
      const result = await page.evaluate(async () => {
        const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
        const dump = await window.kdmp.openDump(file);
        const summary = await dump.summary();
        const last = await dump.readFile(dump.fileSize - 4096n, 8192);
        const lastPhysical = await dump.readPhysical(5n * 2n ** 30n - 4096n, 4096);
        const past = await dump.readPhysical(5n * 2n ** 30n, 16).catch((e: { code: string }) => e.code);
        const ranges = await dump.physicalRanges();
        const heap = (await dump.stats()).wasmHeapBytes;
        await dump.close();
        return {
          fileSize: summary.header.fileSize, lastLength: last.length, lastPhysical: lastPhysical.length, past,
          ranges: ranges.map((r) => ({ base: String(r.base), pages: r.pages })), heap, pages: summary.physicalMemory.pages,
        };
      });
      expect(result.fileSize).toBe(`0x${big.size.toString(16)}`);
      expect(result.lastLength).toBe(4096);
      expect(result.lastPhysical).toBe(4096);
      expect(result.past).toBe('page-not-in-dump');
      expect(result.ranges).toEqual([{ base: '0', pages: 5 * 2 ** 18 }]);
      expect(result.pages).toBe(5 * 2 ** 18);
      expect(result.heap).toBeLessThan(64 * 1024 * 1024);
    } finally {
      big.remove();
    }
  });
});
