// Symbol figures of the npm package in Chromium (not a test: it prints numbers, it does not judge them):
//   - a full dump with the large generated driver loaded (make-fixtures --image-dump), opened from a File
//   - its PDB (tests/bench/make_big_pdb.py, 30+ MB) handed over as a File: addSymbols until the summary with the names
//     is back (open the PDB, match its GUID/age, read DBI, publics and every module's procedures, index), twice
//     (the second dump's worker finds the wasm compiled)
//   - the wasm heap before and after (the PDB is read in place through File.slice, never copied whole)
//   - symbolize: random addresses inside the driver, 100,000 per request, names per second through the worker
//   - the .wasm size, raw and gzipped
// Usage: node scripts/bench-symbols-browser.mjs [--pdb PATH] [--lookups N]   (after scripts/build.sh; the PDB defaults
// to $KDMP_BIG_PDB, else build-bench/tests/bigpdb/bigdrv.pdb or build/tests/bigpdb/bigdrv.pdb; bigdrv.sys beside it)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openPackagePage } from './package-page.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const value = (/** @type {string} */ name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const candidates = [value('--pdb'), process.env.KDMP_BIG_PDB, path.join(root, 'build-bench/tests/bigpdb/bigdrv.pdb'), path.join(root, 'build/tests/bigpdb/bigdrv.pdb')];
const pdbFile = candidates.find((p) => p && existsSync(p));
if (!pdbFile) throw new Error('no large PDB: build it (cmake --build build-bench --target kdmp_big_pdb) or pass --pdb');
const imageFile = pdbFile.replace(/\.pdb$/i, '.sys');
const lookups = Number(value('--lookups') ?? 2_000_000);

const pkg = path.join(root, 'build/npm');
const work = mkdtempSync(path.join(tmpdir(), 'kdmpview-symbench-'));
const dumpFile = path.join(work, 'bigdrv.dmp');
execFileSync(path.join(root, 'build/tests/make-fixtures'), ['--image-dump', dumpFile, imageFile, pdbFile]);
const { server, browser, page } = await openPackagePage(work, ['dump', 'pdb']);
try {
  await page.locator('#dump').setInputFiles(dumpFile);
  await page.locator('#pdb').setInputFiles(pdbFile);
  const figures = await page.evaluate(async ({ lookups }) => {
    /** @type {any} */
    const kdmp = /** @type {any} */ (window).kdmp;
    const fileOf = (/** @type {string} */ id) => /** @type {FileList} */ (/** @type {HTMLInputElement} */ (document.getElementById(id)).files)[0];
    const dumpFile = fileOf('dump');
    const pdb = fileOf('pdb');
    const run = async () => {
      const dump = await kdmp.openDump(dumpFile);
      const summary = await dump.summary();
      const heapBefore = (await dump.stats()).wasmHeapBytes;
      const start = performance.now();
      const statuses = await dump.addSymbols([pdb]);
      const withNames = await dump.summary();
      const ms = performance.now() - start;
      const heapAfter = (await dump.stats()).wasmHeapBytes;
      return { dump, summary, withNames, statuses, ms, heapBefore, heapAfter };
    };
    const first = await run();
    await first.dump.close();
    const second = await run();
    const { dump, withNames } = second;
    const module = withNames.modules.find((/** @type {any} */ m) => m.name === 'bigdrv.sys');
    const base = BigInt(module.base);
    const size = Number(BigInt(module.size));
    let seed = 12;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const batch = 100_000;
    let named = 0;
    const lookupStart = performance.now();
    for (let done = 0; done < lookups; done += batch) {
      const addresses = Array.from({ length: Math.min(batch, lookups - done) }, () => base + BigInt(Math.floor(random() * size)));
      const names = await dump.symbolize(addresses);
      named += names.filter((/** @type {string | null} */ n) => n !== null && n.includes('!')).length;
    }
    const lookupSeconds = (performance.now() - lookupStart) / 1000;
    const back = await dump.resolveSymbol(withNames.culprit.symbol);
    const heapEnd = (await dump.stats()).wasmHeapBytes;
    await dump.close();
    return {
      addSymbolsMs: [first.ms, second.ms], statuses: second.statuses, culprit: withNames.culprit.symbol,
      culpritBefore: second.summary.culprit.symbol, resolvedBack: back === BigInt(withNames.culprit.address),
      heapBeforeMiB: second.heapBefore / 2 ** 20, heapAfterMiB: second.heapAfter / 2 ** 20, heapEndMiB: heapEnd / 2 ** 20,
      heapGrowthMiB: (second.heapAfter - second.heapBefore) / 2 ** 20, firstHeapGrowthMiB: (first.heapAfter - first.heapBefore) / 2 ** 20,
      lookups, named, lookupsPerSecond: lookups / lookupSeconds,
    };
  }, { lookups });
  const wasm = readFileSync(path.join(pkg, 'kdmpview.wasm'));
  const result = {
    pdb: pdbFile, pdbBytes: statSync(pdbFile).size, ...figures,
    wasmBytes: wasm.length, wasmGzipBytes: gzipSync(wasm, { level: 9 }).length,
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  mkdirSync(path.join(root, 'build/bench'), { recursive: true });
  writeFileSync(path.join(root, 'build/bench/symbols-browser.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
