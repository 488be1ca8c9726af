// Debian's Chromium through playwright-core, for the browser tests (tests/e2e/browser.ts) and the scripts that drive
// the site (benchmarks, screenshots). Flags from shared/toolchain.md: root needs --no-sandbox; the rest stop
// Chromium calling home on a closed network.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
];

/** @returns {Promise<import('playwright-core').Browser>} */
export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}
