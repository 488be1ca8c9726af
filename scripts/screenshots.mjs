// Takes the README's screenshots of the built site (dist/) in Chromium: `node scripts/screenshots.mjs` after
// scripts/build.sh. Writes docs/screenshot-*.png (1366x768, a laptop screen; the crash screen also in dark).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = path.join(root, 'build/fixtures');
const server = await serveStatic(path.join(root, 'dist'), { mounts: { '/fixtures/': `${fixtures}/` } });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
});

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
  await page.locator('#file-input').setInputFiles(files.map((f) => path.join(fixtures, f)));
  await act(page);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(root, `docs/screenshot-${name}.png`) });
  await page.close();
  console.log(`docs/screenshot-${name}.png`);
}

const opened = (/** @type {Page} */ page) => page.locator('[data-field="culpritModule"]').waitFor();
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
  await shot('crash-list', ['sample.dmp', 'system-x86.dmp', 'system-arm64.dmp', 'system-wow64.dmp', 'triage64.dmp', 'full-truncated.dmp'], async (/** @type {Page} */ page) => {
    await page.locator('[data-view="crash-list"]').waitFor();
  });
} finally {
  await browser.close();
  await server.close();
}
