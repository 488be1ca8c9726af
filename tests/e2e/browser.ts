// Shared by the browser tests: Debian's Chromium through playwright-core (scripts/chromium.mjs, which the benchmark
// and screenshot scripts use too).
export { launchChromium } from '../../scripts/chromium.mjs';

/** How long a browser test waits for the page (an element, an event, a polled value) before it fails: a ceiling for a
 * hung page, generous because the machine may be busy with other builds. */
export const BROWSER_WAIT_MS = 60_000;
