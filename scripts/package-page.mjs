// The page the library benchmarks drive: it loads the built npm package (build/npm) as window.kdmp and has one file
// input per id, served from a work directory of the caller's, in Chromium, loaded and ready.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';

const pkg = fileURLToPath(new URL('../build/npm', import.meta.url));

/**
 * @param {string} work a directory the page's index.html is written to
 * @param {string[]} inputIds the ids of the page's file inputs
 */
export async function openPackagePage(work, inputIds) {
  const inputs = inputIds.map((id) => `<input type="file" id="${id}">`).join('');
  writeFileSync(path.join(work, 'index.html'), `<!doctype html><meta charset="utf-8">${inputs}
<script type="module">import * as kdmp from '/pkg/index.js'; window.kdmp = kdmp; document.body.dataset.ready = 'true';</script>`);
  const server = await serveStatic(work, { mounts: { '/pkg/': `${pkg}/` } });
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  return { server, browser, page };
}
