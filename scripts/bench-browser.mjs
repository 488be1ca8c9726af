// `npm run bench`: figures of the npm package in Chromium (not a test: it prints numbers, it does not judge them).
//   - open a 64 GiB bitmap dump (sparse on disk, made by make-fixtures --sparse-bitmap) from a File in the worker,
//     until the summary is there, twice (each open starts its worker; the second finds the wasm compiled)
//   - search the file, and physical memory, for a pattern that is not there: MB/s
//   - the .wasm size, raw and gzipped, and the wasm heap after all that
// Usage: node scripts/bench-browser.mjs [--gib N] [--search-mib N] [--dump PATH]   (after scripts/build.sh)
// --dump benches an existing dump file instead (e.g. one whose pages hold real data rather than a hole).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (/** @type {string} */ name, /** @type {number} */ fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const gib = option('--gib', 64);
const searchMib = option('--search-mib', 2048);

const pkg = path.join(root, 'build/npm');
const work = mkdtempSync(path.join(tmpdir(), 'kdmpview-bench-'));
const given = args.indexOf('--dump') >= 0 ? args[args.indexOf('--dump') + 1] : undefined;
const dumpFile = given ?? path.join(work, `sparse-${gib}g.dmp`);
if (!given) execFileSync(path.join(root, 'build/tests/make-fixtures'), ['--sparse-bitmap', dumpFile, String(gib)]);
writeFileSync(path.join(work, 'index.html'), `<!doctype html><meta charset="utf-8"><input type="file" id="file">
<script type="module">import * as kdmp from '/pkg/index.js'; window.kdmp = kdmp; document.body.dataset.ready = 'true';</script>`);

const server = await serveStatic(work, { mounts: { '/pkg/': pkg } });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#file').setInputFiles(dumpFile);
  const figures = await page.evaluate(async ({ searchMib }) => {
    /** @type {any} */
    const kdmp = /** @type {any} */ (window).kdmp;
    const file = /** @type {FileList} */ (/** @type {HTMLInputElement} */ (document.getElementById("file")).files)[0];
    const openToSummary = async () => {
      const start = performance.now();
      const dump = await kdmp.openDump(file);
      const summary = await dump.summary();
      return { dump, summary, ms: performance.now() - start };
    };
    const first = await openToSummary();
    await first.dump.close();
    const second = await openToSummary();
    const dump = second.dump;
    const bytes = searchMib * 1024 * 1024;
    const searchSpeed = async (/** @type {string} */ space, /** @type {bigint} */ start) => {
      const t = performance.now();
      const result = await dump.search({ space, pattern: { ascii: 'not in a sparse dump' }, start, end: start + BigInt(bytes) }).results;
      const seconds = (performance.now() - t) / 1000;
      return { mbPerSecond: result.scanned / 1e6 / seconds, scanned: result.scanned, seconds };
    };
    const fileSearch = await searchSpeed('file', 0n);
    const physicalSearch = await searchSpeed('physical', 0n);
    const heap = (await dump.stats()).wasmHeapBytes;
    await dump.close();
    return {
      firstOpenMs: first.ms, secondOpenMs: second.ms, fileSize: first.summary.header.fileSize,
      pages: first.summary.physicalMemory.pages, fileSearch, physicalSearch, heap,
    };
  }, { searchMib });

  const wasm = readFileSync(path.join(pkg, 'kdmpview.wasm'));
  const result = {
    chromium: browser.version(),
    dump: { file: given ?? `${gib} GiB sparse bitmap dump`, fileSize: statSync(dumpFile).size },
    openToSummaryMs: { first: round(figures.firstOpenMs), second: round(figures.secondOpenMs) },
    fileSearchMBps: round(figures.fileSearch.mbPerSecond),
    physicalSearchMBps: round(figures.physicalSearch.mbPerSecond),
    searchedMiB: searchMib,
    wasmBytes: wasm.length,
    wasmGzipBytes: gzipSync(wasm, { level: 9 }).length,
    wasmHeapBytes: figures.heap,
  };
  console.log(`kdmpview browser figures (Chromium ${result.chromium}, ${result.dump.file}, ${result.dump.fileSize} bytes)
  open from a File -> summary   first ${result.openToSummaryMs.first} ms, second ${result.openToSummaryMs.second} ms (each starts its worker)
  search the file               ${result.fileSearchMBps} MB/s over ${searchMib} MiB
  search physical memory        ${result.physicalSearchMBps} MB/s over ${searchMib} MiB
  .wasm                         ${result.wasmBytes} bytes, ${result.wasmGzipBytes} gzipped
  wasm heap afterwards          ${(result.wasmHeapBytes / 2 ** 20).toFixed(1)} MiB`);
  mkdirSync(path.join(root, 'build/bench'), { recursive: true });
  writeFileSync(path.join(root, 'build/bench/browser.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

function round(/** @type {number} */ v) {
  return Math.round(v * 10) / 10;
}
