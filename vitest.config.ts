// Two Vitest projects: "unit" runs in Node (the wasm module and the web code, tests/wasm and tests/web); "e2e" drives
// Debian's Chromium through playwright-core against the built site (tests/e2e). scripts/test.sh runs them one after
// the other.
import { defineConfig } from 'vitest/config';
import { aliases } from './aliases.config.ts';

export default defineConfig({
  resolve: { alias: aliases },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/wasm/**/*.test.ts', 'tests/web/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One browser at a time: the machine has 2 cores.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
