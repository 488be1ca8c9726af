// The analyst's-workbench figures of the viewer (issue 15) in Chromium, on the built site (dist/). Not a test: it
// prints numbers and writes build/bench/workbench.json; it judges nothing.
//   - first screen after a drop, for every fixture dump the viewer opens: from the drop event to the crash panel
//     on screen (1366x768)
//   - hex scroll steps at 1920x1080 (a wheel event until the rows are laid out), over the file, physical and virtual
//     memory of sample.dmp
//   - a folder of N generated triage dumps of about 1 MiB each (triage64.dmp with its bug check, time and parameters
//     varied, padded to 1 MiB), picked with the directory picker: from the pick to the table of crashes on screen
// Usage: node scripts/bench-workbench.mjs [--dumps N] (default 1000; after scripts/build.sh)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const dumpCount = args.includes('--dumps') ? Number(args[args.indexOf('--dumps') + 1]) : 1000;
const fixtures = path.join(root, 'build/fixtures');
const work = mkdtempSync(path.join(tmpdir(), 'kdmpview-workbench-'));

// The fixtures that open (the broken ones that fail on purpose are left out: their first screen is an error).
const broken = /^(not-a-dump|user-minidump|truncated-header|unknown-type|full-43-runs|full-overflowing-run|full-page-filled-run-list|bitmap-larger-than-file|rdmp-first-page-offset-past-end)/;
const dumps = readdirSync(fixtures).filter((n) => /\.(dmp|bin)$/.test(n) && !broken.test(n)).sort();

/**
 * N triage dumps of 1 MiB in `dir`: bug check, crash time and parameter 1 varied so the overview has bars.
 * @param {string} dir
 * @param {number} count
 */
function makeFolder(dir, count) {
  mkdirSync(dir, { recursive: true });
  const base = readFileSync(path.join(fixtures, 'triage64.dmp'));
  const codes = [0x1000007e, 0xd1, 0x50, 0x3b, 0x7e, 0x139];
  const day = 86_400n * 10_000_000n;
  const start = base.readBigUInt64LE(0xfa8);
  for (let i = 0; i < count; ++i) {
    const bytes = Buffer.alloc(1024 * 1024);
    base.copy(bytes);
    bytes.writeUInt32LE(codes[i % codes.length] ?? 0, 0x38);
    bytes.writeBigUInt64LE(start - BigInt(i % 45) * day - BigInt(i) * 10_000_000n, 0xfa8);
    bytes.writeBigUInt64LE(BigInt(i), 0x40);
    writeFileSync(path.join(dir, `Mini${String(i).padStart(4, '0')}.dmp`), bytes);
  }
}

const stats = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (/** @type {number} */ q) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) / 100;
  return { count: sorted.length, median: at(0.5), p95: at(0.95), max: at(1) };
};

const loadBefore = Math.round((loadavg()[0] ?? 0) * 10) / 10;
const site = await serveStatic(path.join(root, 'dist'), { mounts: { '/fixtures/': `${fixtures}/` } });
const browser = await launchChromium();
try {
  // --- First screen after a drop ---
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  /** @type {Record<string, number>} */
  const firstScreen = {};
  await page.goto(site.url);
  // One drop to load and compile the wasm module, as a user's first file would (measured apart).
  const dropAndWait = (/** @type {string} */ name) => page.evaluate(async (name) => {
    const bytes = new Uint8Array(await (await fetch(`/fixtures/${name}`)).arrayBuffer());
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name));
    const app = /** @type {HTMLElement} */ (document.getElementById('app'));
    document.querySelector('.crash-headline')?.remove();
    const start = performance.now();
    const shown = new Promise((resolve) => {
      const check = () => {
        const title = document.querySelector('.dump-title');
        if (document.querySelector('.crash-headline') && title?.getAttribute('title') === null && title?.textContent === name) resolve(performance.now() - start);
        else if (document.querySelector('.error-box')) resolve(-1);
        else requestAnimationFrame(check);
      };
      check();
    });
    app.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    return shown;
  }, name);
  const warm = await dropAndWait('sample.dmp');
  for (const name of dumps) firstScreen[name] = Math.round(/** @type {number} */ (await dropAndWait(name)) * 10) / 10;
  const opened = Object.values(firstScreen).filter((v) => v >= 0);

  // --- Hex scroll steps at 1920x1080 ---
  const big = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  /** @type {Record<string, ReturnType<typeof stats> & { rows: number }>} */
  const scroll = {};
  for (const space of ['file', 'physical', 'virtual']) {
    const address = space === 'virtual' ? '0xfffff80312800000' : '0x0';
    await big.goto(`${site.url}?url=/fixtures/sample.dmp#view=hex&space=${space}&address=${address}`);
    await big.locator('.hex-view').waitFor();
    await big.waitForTimeout(700);
    const { times, rows } = await big.evaluate(async () => {
      const view = /** @type {HTMLElement} */ (document.querySelector('.hex-view'));
      /** @type {number[]} */
      const times = [];
      for (let i = 0; i < 300; ++i) {
        const start = performance.now();
        view.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, bubbles: true, cancelable: true }));
        void view.offsetHeight;  // the step's layout, not only its script
        times.push(performance.now() - start);
        if (i % 10 === 9) await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
      }
      return { times, rows: document.querySelectorAll('.hex-grid .hex-row').length };
    });
    scroll[space] = { ...stats(times), rows };
  }

  // --- A folder of triage dumps ---
  const folder = path.join(work, 'Minidump');
  makeFolder(folder, dumpCount);
  const list = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await list.goto(site.url);
  const cores = await list.evaluate(() => navigator.hardwareConcurrency);
  const pickStart = Date.now();
  await list.locator('[data-role="folder-input"]').setInputFiles(folder);
  const pickedMs = Date.now() - pickStart;
  await list.locator('[data-view="crash-list"]').waitFor({ timeout: 600_000 });
  const listedMs = Date.now() - pickStart;
  const inPage = await list.evaluate(() => performance.measure('list', 'kdmpview:list-start', 'kdmpview:list-shown').duration);
  const heading = await list.locator('[data-view="crash-list"] h2').textContent();

  const result = {
    chromium: browser.version(),
    cores,
    // Other work on the machine inflates every figure: the 1-minute load average before and after.
    loadAverage: { before: loadBefore, after: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
    firstScreenAfterDropMs: { warmUp: Math.round(/** @type {number} */ (warm)), perDump: firstScreen, ...stats(opened) },
    hexScrollStep1920x1080Ms: scroll,
    folder: { dumps: dumpCount, bytesEach: 1024 * 1024, heading, handingFilesToThePageMs: pickedMs, pickToTableMs: listedMs, readInPageMs: Math.round(inPage) },
  };
  console.log(`kdmpview workbench figures (Chromium ${result.chromium}, ${cores} cores, load average ${loadBefore} before, ${result.loadAverage.after} after)
  first screen after a drop      ${dumps.length} dumps: median ${result.firstScreenAfterDropMs.median} ms, p95 ${result.firstScreenAfterDropMs.p95} ms, max ${result.firstScreenAfterDropMs.max} ms (first drop, compiling the wasm: ${result.firstScreenAfterDropMs.warmUp} ms)
  hex scroll step at 1920x1080   ${Object.entries(scroll).map(([s, v]) => `${s}: median ${v.median} ms, p95 ${v.p95} ms, max ${v.max} ms (${v.rows} rows)`).join('; ')}
  folder of ${dumpCount} x 1 MiB triage dumps   picked -> table ${(listedMs / 1000).toFixed(1)} s (Playwright hands the files over in ${(pickedMs / 1000).toFixed(1)} s; read in the page ${(inPage / 1000).toFixed(1)} s); "${heading}"`);
  mkdirSync(path.join(root, 'build/bench'), { recursive: true });
  writeFileSync(path.join(root, 'build/bench/workbench.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await browser.close();
  await site.close();
  rmSync(work, { recursive: true, force: true });
}
