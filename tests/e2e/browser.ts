// Shared by the browser tests: Debian's Chromium through playwright-core.
import { chromium, type Browser } from 'playwright-core';

// Flags from shared/toolchain.md: root needs --no-sandbox; the rest stop Chromium calling home on a closed network.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
];

/** How long a browser test waits for the page (an element, an event, a polled value) before it fails: a ceiling for a
 * hung page, generous because the machine may be busy with other builds. */
export const BROWSER_WAIT_MS = 60_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}
