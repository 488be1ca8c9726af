// Two Vitest projects: "unit" runs in Node (the wasm module and the web code, tests/wasm and tests/web); "e2e" drives
// Debian's Chromium through playwright-core against the built site (tests/e2e). scripts/test.sh runs them one after
// the other. No test may depend on the machine's speed (2 shared cores, other builds running): the limits below are
// generous ceilings for a hung test, never a measure of speed, and tests bound their work instead.
import { defineConfig } from 'vitest/config';
import { aliases } from './aliases.config.ts';

export default defineConfig({
  resolve: { alias: aliases },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/wasm/**/*.test.ts', 'tests/web/**/*.test.ts'],
          environment: 'node',
          // Vitest's 5 s default failed tests/wasm/heap.test.ts while another build ran.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One browser at a time: the machine has 2 cores.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
