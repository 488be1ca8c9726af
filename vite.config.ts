// Builds web/ into dist/: a static site with relative URLs (base './'), so it works under any path: index.html (the
// viewer), embed.html (the viewer for an iframe) and kdmp-viewer.js (the <kdmp-viewer> element), sharing assets/.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { aliases } from './aliases.config.ts';
import { disassemblerPlugin } from './scripts/vite-disasm-plugin.mjs';
import { cspPlugin } from './scripts/vite-csp-plugin.ts';
import { offlinePlugin } from './scripts/vite-offline-plugin.ts';

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

const web = (file: string) => fileURLToPath(new URL(`./web/${file}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  resolve: { alias: aliases },
  // dist/sw.js: the service worker that lets the standalone page reload offline. The disassemblers' npm builds need
  // a word changed to load in a browser (scripts/vite-disasm-plugin.mjs), in the build and in the dev server's
  // pre-bundling alike. The CSP's connect-src gains the symbol-server origins a deployment names in
  // KDMP_SYMBOL_SERVER_ORIGINS (none by default).
  plugins: [disassemblerPlugin(), offlinePlugin(), cspPlugin()],
  optimizeDeps: { rolldownOptions: { plugins: [disassemblerPlugin()] } },
  // The worker is bundled separately, with its own plugin list.
  worker: { format: 'es', plugins: () => [glueNodeBuiltins] },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No data: URLs: the CSP (default-src 'self') would block them.
    assetsInlineLimit: 0,
    rolldownOptions: {
      // The page, the iframe page (docs/embedding.md), and the <kdmp-viewer> element's script at a stable name.
      input: {
        index: web('index.html'),
        embed: web('embed.html'),
        'kdmp-viewer': web('src/embed/kdmp-viewer.ts'),
      },
      // Keep the element's exports (defineKdmpViewer, KdmpViewer) for hosts that import it.
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: (chunk) => (chunk.name === 'kdmp-viewer' ? '[name].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    host: '127.0.0.1',
    // The dev server serves the wasm glue from build-wasm/, outside web/.
    fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] },
  },
  preview: { host: '127.0.0.1' },
});
