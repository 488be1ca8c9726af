// `npm run bench`: figures of the npm package in Chromium (not a test: it prints numbers, it does not judge them).
//   - open a 64 GiB bitmap dump (sparse on disk, made by make-fixtures --sparse-bitmap) from a File in the worker,
//     until the summary is there, twice (each open starts its worker; the second finds the wasm compiled)
//   - search the file, and physical memory, for a pattern that is not there: MB/s
//   - the .wasm size, raw and gzipped, and the wasm heap after all that
//   - on the dense 4 GiB dump (make-fixtures --dense-bitmap, every page written, 1 GiB of scattered 4 KiB virtual
//     pages; $KDMP_DENSE_DUMP or /tmp/kdmpview-dense-4g.dmp, kept between runs): what a FileReaderSync read costs by
//     size, random and sequential (the figures behind the block cache's 64 KiB blocks and 4 MiB read-ahead); a
//     plain read loop over the File in the worker; search over the file and over physical memory (same bytes);
//     random 8-byte virtual reads through the API, over the whole 1 GiB region and over a 1 MiB window, one read per
//     request (64 in flight) and as batches (readVirtualBatch: 200,000 reads in one batch over 1 MiB, 64 MiB and
//     1 GiB, and in batches of 20,000 over 1 GiB)
//   - the viewer (dist/): the same dump picked in the page until its first screen shows (the page's own
//     performance marks, from the file input's change to the crash panel on screen), and hex-view scroll steps
//     (a wheel event until the rows are laid out), over physical memory and over the file
//   - the viewer's first screen with symbols: symbols-x64.dmp and symdrv.pdb (build/fixtures) picked together, from
//     the file input's change until the first screen names the faulting function (SYMBOL_NAME and the failure bucket
//     from the PDB) and until it shows the faulting instruction disassembled (iced-x86 loaded on first use); the
//     first open of a fresh browser, then warm opens (the page reloaded each time)
// Usage: node scripts/bench-browser.mjs [--gib N] [--search-mib N] [--dump PATH] [--no-dense]   (after scripts/build.sh)
// --dump benches an existing dump file instead (e.g. one whose pages hold real data rather than a hole).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openPackagePage } from './package-page.mjs';
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
const { server, browser, page } = await openPackagePage(work, ['file']);
try {
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

  const dense = args.includes('--no-dense') ? null : await benchDense(browser, server.url, denseDump(), searchMib);
  const viewer = await benchViewer(browser, dumpFile);
  const symbolsFirstScreen = await benchSymbolsFirstScreen(browser);

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
    dense,
    viewer,
    symbolsFirstScreen,
  };
  console.log(`kdmpview browser figures (Chromium ${result.chromium}, ${result.dump.file}, ${result.dump.fileSize} bytes)
  open from a File -> summary   first ${result.openToSummaryMs.first} ms, second ${result.openToSummaryMs.second} ms (each starts its worker)
  search the file               ${result.fileSearchMBps} MB/s over ${searchMib} MiB
  search physical memory        ${result.physicalSearchMBps} MB/s over ${searchMib} MiB
  .wasm                         ${result.wasmBytes} bytes, ${result.wasmGzipBytes} gzipped
  wasm heap afterwards          ${(result.wasmHeapBytes / 2 ** 20).toFixed(1)} MiB
${dense ? denseText(dense) : ''}  viewer: file picked -> first screen   ${viewer.summaryShownMs.map(round).join(' ms, ')} ms (three opens)
  viewer: hex scroll step (physical)    median ${viewer.scroll.physical.median} ms, p95 ${viewer.scroll.physical.p95} ms, max ${viewer.scroll.physical.max} ms over ${viewer.scroll.physical.steps} steps
  viewer: hex scroll step (file)        median ${viewer.scroll.file.median} ms, p95 ${viewer.scroll.file.p95} ms, max ${viewer.scroll.file.max} ms over ${viewer.scroll.file.steps} steps
  viewer: dump + PDB picked -> symbol and bucket shown   first ${round(symbolsFirstScreen.first.symbolMs)} ms, warm ${symbolsFirstScreen.warm.map((o) => round(o.symbolMs)).join(' ms, ')} ms
  viewer: dump + PDB picked -> faulting instruction disassembled   first ${round(symbolsFirstScreen.first.codeMs)} ms, warm ${symbolsFirstScreen.warm.map((o) => round(o.codeMs)).join(' ms, ')} ms`);
  mkdirSync(path.join(root, 'build/bench'), { recursive: true });
  writeFileSync(path.join(root, 'build/bench/browser.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

/**
 * The viewer's figures, on the built site: open the dump through the page's file input three times, then scroll the
 * hex view.
 * @param {import('playwright-core').Browser} browser
 * @param {string} dumpFile
 */
async function benchViewer(browser, dumpFile) {
  const site = await serveStatic(path.join(root, 'dist'));
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    /** @type {number[]} */
    const summaryShownMs = [];
    for (let i = 0; i < 3; ++i) {
      await page.goto(`${site.url}#view=crash`);
      await page.locator('#file-input').setInputFiles(dumpFile);
      await page.locator('[data-field="bugcheckCode"]').waitFor();
      summaryShownMs.push(await page.evaluate(() => {
        const measure = performance.measure('open', 'kdmpview:open-start', 'kdmpview:summary-shown');
        return measure.duration;
      }));
    }
    /** @param {string} space */
    const scroll = async (space) => {
      await page.goto(`${site.url}#view=hex&space=${space}&address=0x0`);
      await page.locator('#file-input').setInputFiles(dumpFile);
      await page.locator('.hex-view').waitFor();
      await page.waitForTimeout(500);
      return page.evaluate(async () => {
        const view = /** @type {HTMLElement} */ (document.querySelector('.hex-view'));
        /** @type {number[]} */
        const times = [];
        for (let i = 0; i < 300; ++i) {
          const start = performance.now();
          view.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, bubbles: true, cancelable: true }));
          void view.offsetHeight;  // the step's layout, not only its script
          times.push(performance.now() - start);
          // Give page reads their turn now and then, as a user's wheel would.
          if (i % 10 === 9) await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
        }
        times.sort((a, b) => a - b);
        const at = (/** @type {number} */ q) => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 100) / 100;
        return { steps: times.length, median: at(0.5), p95: at(0.95), max: at(1) };
      });
    };
    return { summaryShownMs, scroll: { physical: await scroll('physical'), file: await scroll('file') } };
  } finally {
    await site.close();
  }
}

/**
 * The first screen with symbols: a dump and its PDB picked together, until the symbol and the bucket show and until
 * the faulting instruction is disassembled. Times run from the page's kdmpview:open-start mark. The first open uses
 * a fresh browser context (nothing cached, nothing compiled); the others reload the page in it.
 * @param {import('playwright-core').Browser} browser
 */
async function benchSymbolsFirstScreen(browser) {
  const site = await serveStatic(path.join(root, 'dist'));
  const files = ['symbols-x64.dmp', 'symdrv.pdb'].map((name) => path.join(root, 'build/fixtures', name));
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const page = await context.newPage();
    /** @type {{ symbolMs: number, codeMs: number }[]} */
    const opens = [];
    for (let i = 0; i < 4; ++i) {
      // A new document each time (a fragment-only navigation would keep the page and its marks).
      await page.goto('about:blank');
      await page.goto(`${site.url}#view=crash`);
      await page.evaluate(() => {
        // Stamps, as they happen, when the symbol from the PDB and the disassembly appear.
        const w = /** @type {any} */ (window);
        w.benchTimes = {};
        new MutationObserver(() => {
          const symbol = document.querySelector('[data-panel="crash"] [data-field="analysisSymbol"]');
          if (!w.benchTimes.symbol && symbol?.textContent?.includes('SymFaultingFunction')) w.benchTimes.symbol = performance.now();
          if (!w.benchTimes.code && document.querySelector('[data-panel="crash"] [data-field="faultingCode"] tr[data-current="true"]')) w.benchTimes.code = performance.now();
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await page.locator('#file-input').setInputFiles(files);
      await page.locator('[data-field="faultingCode"] tr[data-current="true"]').waitFor();
      await page.waitForFunction(() => /** @type {any} */ (window).benchTimes.symbol);
      opens.push(await page.evaluate(() => {
        const start = performance.getEntriesByName('kdmpview:open-start')[0]?.startTime ?? 0;
        const t = /** @type {any} */ (window).benchTimes;
        return { symbolMs: t.symbol - start, codeMs: t.code - start };
      }));
    }
    return { first: /** @type {{ symbolMs: number, codeMs: number }} */ (opens[0]), warm: opens.slice(1) };
  } finally {
    await context.close();
    await site.close();
  }
}

/** The dense dump, written by make-fixtures when it is not there yet (about a minute; 4 GiB on disk). */
function denseDump() {
  const file = process.env.KDMP_DENSE_DUMP || '/tmp/kdmpview-dense-4g.dmp';
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {}
  if (size < 4 * 2 ** 30) execFileSync(path.join(root, 'build/tests/make-fixtures'), ['--dense-bitmap', file, '4']);
  return file;
}

// A worker of its own for the raw File figures: FileReaderSync reads of each size at random 4 KiB-aligned offsets
// and one after another, then a plain read loop (4 MiB reads, as the search makes) over `bytes` bytes.
function fileProbeWorker() {
  return `onmessage = (e) => {
  const { file, bytes, withCosts } = e.data;
  const reader = new FileReaderSync();
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const costs = [];
  for (const size of withCosts ? [4096, 16384, 65536, 262144, 1048576, 4194304] : []) {
    const n = size >= 1048576 ? 24 : 200;
    let t = performance.now();
    for (let i = 0; i < n; ++i) {
      const at = Math.floor(random() * (file.size - size) / 4096) * 4096;
      reader.readAsArrayBuffer(file.slice(at, at + size));
    }
    const randomMs = (performance.now() - t) / n;
    t = performance.now();
    let at = 2 ** 30;
    for (let i = 0; i < n; ++i, at += size) reader.readAsArrayBuffer(file.slice(at, at + size));
    const sequentialMs = (performance.now() - t) / n;
    costs.push({ size, randomMs, sequentialMs, sequentialMBps: size / sequentialMs / 1000 });
  }
  const t = performance.now();
  let read = 0;
  for (let at = 0; at < bytes; at += 4194304) read += reader.readAsArrayBuffer(file.slice(at, Math.min(bytes, at + 4194304))).byteLength;
  postMessage({ costs, plainReadMBps: read / 1e6 / ((performance.now() - t) / 1000) });
};`;
}

/**
 * The dense dump's figures, through the package in its worker (File source) and, for the raw reads, a worker of
 * the bench's own.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {string} file
 * @param {number} searchMib
 */
async function benchDense(browser, url, file, searchMib) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#file').setInputFiles(file);
    return await page.evaluate(async ({ searchMib, probe }) => {
      /** @type {any} */
      const kdmp = /** @type {any} */ (window).kdmp;
      const file = /** @type {FileList} */ (/** @type {HTMLInputElement} */ (document.getElementById('file')).files)[0];
      const bytes = searchMib * 1024 * 1024;
      const worker = new Worker(URL.createObjectURL(new Blob([probe], { type: 'text/javascript' })));
      /** @returns {Promise<any>} */
      const probeRun = (/** @type {boolean} */ withCosts) => new Promise((resolve) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.postMessage({ file, bytes, withCosts });
      });
      const raw = await probeRun(true);
      const dump = await kdmp.openDump(file);
      const searchSpeed = async (/** @type {string} */ space) => {
        const t = performance.now();
        const result = await dump.search({ space, pattern: { ascii: 'not in the dense dump' }, start: 0n, end: BigInt(bytes) }).results;
        return result.scanned / 1e6 / ((performance.now() - t) / 1000);
      };
      // The machine is shared: three rounds, the read loop and both searches taking turns, and the best of each (what
      // the code can do when the machine lets it), with every round kept in the JSON.
      /** @type {{ plainReadMBps: number, fileSearchMBps: number, physicalSearchMBps: number }[]} */
      const rounds = [];
      for (let round = 0; round < 3; ++round) {
        rounds.push({
          plainReadMBps: round === 0 ? raw.plainReadMBps : (await probeRun(false)).plainReadMBps,
          fileSearchMBps: await searchSpeed('file'),
          physicalSearchMBps: await searchSpeed('physical'),
        });
      }
      worker.terminate();
      const best = (/** @type {'plainReadMBps' | 'fileSearchMBps' | 'physicalSearchMBps'} */ key) => Math.max(...rounds.map((r) => r[key]));
      raw.plainReadMBps = best('plainReadMBps');
      raw.rounds = rounds;
      const fileSearchMBps = best('fileSearchMBps');
      const physicalSearchMBps = best('physicalSearchMBps');
      // 8-byte reads at random 8-aligned addresses, 64 in flight (the worker answers them one after another).
      const region = 0xfffff80600000000n;
      const randomReads = async (/** @type {bigint} */ span, /** @type {number} */ count) => {
        let seed = 11n;
        const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn);
        const addresses = Array.from({ length: count }, () => region + ((next() >> 11n) % span & ~7n));
        const t = performance.now();
        for (let i = 0; i < count; i += 64) await Promise.all(addresses.slice(i, i + 64).map((a) => dump.readVirtual(a, 8)));
        return count / ((performance.now() - t) / 1000);
      };
      await randomReads(1n << 20n, 2000);  // warm the 1 MiB window
      const randomWindowPerSecond = await randomReads(1n << 20n, 20000);
      const randomRegionPerSecond = await randomReads(1n << 30n, 2000);
      // The same 8-byte reads as batches (readVirtualBatch): `count` reads in batches of `size`, one after another.
      const batchReads = async (/** @type {bigint} */ span, /** @type {number} */ count, /** @type {number} */ size) => {
        let seed = 13n;
        const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn);
        const addresses = BigUint64Array.from({ length: count }, () => region + ((next() >> 11n) % span & ~7n));
        let whole = 0;
        const t = performance.now();
        for (let i = 0; i < count; i += size) {
          const result = await dump.readVirtualBatch(addresses.subarray(i, i + size), 8);
          for (const e of result.errors) if (e === null) ++whole;
        }
        const seconds = (performance.now() - t) / 1000;
        return { span: Number(span), count, batch: size, perSecond: count / seconds, seconds, whole };
      };
      const batches = [
        await batchReads(1n << 20n, 200000, 200000),
        await batchReads(64n << 20n, 200000, 200000),
        await batchReads(1n << 30n, 200000, 200000),
        await batchReads(1n << 30n, 200000, 20000),
      ];
      const heap = (await dump.stats()).wasmHeapBytes;
      await dump.close();
      return { ...raw, fileSearchMBps, physicalSearchMBps, randomWindowPerSecond, randomRegionPerSecond, batches, heap };
    }, { searchMib, probe: fileProbeWorker() });
  } finally {
    await page.close();
  }
}

/** @param {any} d */
function denseText(d) {
  const costs = d.costs.map((/** @type {any} */ c) => `${c.size / 1024} KiB ${round(c.randomMs)}/${round(c.sequentialMs)} ms`).join(', ');
  return `  dense 4 GiB dump: File read cost (random/sequential)  ${costs}
  dense (best of 3 rounds): plain 4 MiB read loop  ${round(d.plainReadMBps)} MB/s;  search the file ${round(d.fileSearchMBps)} MB/s;  search physical memory ${round(d.physicalSearchMBps)} MB/s
  dense: random 8-byte virtual reads  ${Math.round(d.randomWindowPerSecond)}/s over 1 MiB, ${Math.round(d.randomRegionPerSecond)}/s over 1 GiB;  wasm heap ${(d.heap / 2 ** 20).toFixed(1)} MiB
${d.batches.map((/** @type {any} */ b) => `  dense: ${b.count} random 8-byte virtual reads in batches of ${b.batch} over ${b.span / 2 ** 20} MiB  ${Math.round(b.perSecond)}/s (${round(b.seconds)} s, ${b.whole} read whole)\n`).join('')}`;
}

function round(/** @type {number} */ v) {
  return Math.round(v * 10) / 10;
}
