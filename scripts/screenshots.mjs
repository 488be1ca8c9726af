// Takes the README's screenshots of the built site (dist/) in Chromium: `node scripts/screenshots.mjs` after
// scripts/build.sh. Writes docs/screenshot-*.png (1366x768, a laptop screen; the crash screen also in dark).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = path.join(root, 'build/fixtures');
const server = await serveStatic(path.join(root, 'dist'), { mounts: { '/fixtures/': `${fixtures}/` } });
const browser = await launchChromium();

/** @typedef {import('playwright-core').Page} Page */

/**
 * Opens `files` in a fresh page, runs `act`, saves the screenshot.
 * @param {string} name
 * @param {string[]} files
 * @param {(page: Page) => Promise<unknown>} act
 * @param {'light' | 'dark'} colorScheme
 */
async function shot(name, files, act, colorScheme = 'light') {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, colorScheme });
  await page.goto(server.url);
  await page.locator('#file-input').setInputFiles(files.map((f) => (path.isAbsolute(f) ? f : path.join(fixtures, f))));
  await act(page);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(root, `docs/screenshot-${name}.png`) });
  await page.close();
  console.log(`docs/screenshot-${name}.png`);
}

const opened = (/** @type {Page} */ page) => page.locator('[data-field="culpritModule"]').waitFor();
// sample.dmp cut to 16 KiB: the memory map of a truncated file.
const work = mkdtempSync(path.join(tmpdir(), 'kdmpview-shots-'));
const cut = path.join(work, 'MEMORY-cut.dmp');
writeFileSync(cut, readFileSync(path.join(fixtures, 'sample.dmp')).subarray(0, 0x4000));
try {
  await shot('crash', ['sample.dmp'], opened);
  await shot('crash-dark', ['sample.dmp'], opened, 'dark');
  await shot('modules', ['sample.dmp'], async (/** @type {Page} */ page) => {
    await opened(page);
    await page.locator('[data-tab="modules"]').click();
  });
  await shot('hex-virtual', ['sample.dmp'], async (/** @type {Page} */ page) => {
    await opened(page);
    await page.locator('[data-field="culpritAddress"]').first().click();
  });
  await shot('hex-file', ['sample.dmp'], async (/** @type {Page} */ page) => {
    await opened(page);
    await page.locator('[data-tab="header"]').click();
    await page.getByRole('button', { name: /0x0*38/ }).first().click();
  });
  await shot('memory', ['bitmap-kernel.dmp'], async (/** @type {Page} */ page) => {
    await page.locator('[data-tab="memory"]').click();
  });
  await shot('memory-truncated', [cut], async (/** @type {Page} */ page) => {
    await page.locator('[data-tab="memory"]').click();
    await page.locator('[data-field="memoryTruncated"]').waitFor();
  });
  await shot('crash-list', ['sample.dmp', 'system-x86.dmp', 'system-arm64.dmp', 'system-wow64.dmp', 'triage64.dmp', 'triage32.dmp',
    'system-x64-bitmap.dmp', 'system-culprit-ip.dmp', 'system-culprit-stack.dmp', 'system-culprit-exception.dmp', 'full-truncated.dmp', 'not-a-dump.bin'], async (/** @type {Page} */ page) => {
    await page.locator('[data-view="crash-list"]').waitFor();
  });
  await shot('search', ['sample.dmp'], async (/** @type {Page} */ page) => {
    await opened(page);
    await page.locator('[data-tab="hex"]').click();
    await page.locator('[data-panel="hex"] .search-text').fill('4d 5a ?? 00');
    await page.locator('[data-panel="hex"] .search-find').click();
    await page.locator('[data-panel="hex"] .search-match').first().waitFor();
    await page.locator('[data-panel="hex"] [data-role="bookmark-name"]').fill('first image header');
    await page.locator('[data-panel="hex"] [data-action="add-bookmark"]').click();
  });
} finally {
  rmSync(work, { recursive: true, force: true });
  await browser.close();
  await server.close();
}
