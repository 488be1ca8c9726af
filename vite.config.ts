// Builds web/ into dist/: a static site with relative URLs (base './'), so it works under any path.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { aliases } from './aliases.config.ts';

// The Emscripten glue require()s 'fs' and 'path' in its Node branch, which never runs in a browser: resolve them to
// an empty module instead of letting Vite warn that it externalized them.
const glueNodeBuiltins: Plugin = {
  name: 'kdmpview-glue-node-builtins',
  enforce: 'pre',
  resolveId(id, importer) {
    return (id === 'fs' || id === 'path') && importer?.endsWith('/kdmpview.js') ? '\0glue-node-builtin' : null;
  },
  load(id) {
    return id === '\0glue-node-builtin' ? 'export default {};' : null;
  },
};

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  resolve: { alias: aliases },
  // The worker is bundled separately, with its own plugin list.
  worker: { format: 'es', plugins: () => [glueNodeBuiltins] },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No data: URLs: the CSP (default-src 'self') would block them.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    // The dev server serves the wasm glue from build-wasm/, outside web/.
    fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] },
  },
  preview: { host: '127.0.0.1' },
});
