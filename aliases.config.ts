// Import aliases shared by vite.config.ts and vitest.config.ts (tsconfig.json maps "@wasm/*" to the same files).
// "@wasm/kdmpview" is the Emscripten glue the wasm build writes (its types: wasm/kdmpview.d.ts); "@wasm/..." is the
// rest of wasm/ (the JS byte sources).
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export const aliases = [
  { find: /^@wasm\/kdmpview$/, replacement: here('./build-wasm/wasm/kdmpview.js') },
  { find: /^@wasm\//, replacement: here('./wasm/') + '/' },
];
