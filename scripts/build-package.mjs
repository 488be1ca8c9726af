// Builds the npm package into build/npm/ (`npm pack build/npm` makes the tarball):
//   index.js    browser entry: init({ wasmUrl, workerUrl }), openDump(File | Blob | Uint8Array | url)
//   node.js     Node entry ("kdmpview/node"): openDump(path | bytes), summaryJson(path)
//   element.js  the <kdmp-viewer> element ("kdmpview/element"), with kdmp-viewer.css (styles.css bundled)
//   worker.js   the dump worker the browser entry and the element start
//   kdmpview.js + kdmpview.wasm   the Emscripten glue and module, next to worker.js and node.js
//   bin/kdmpview-json.js          prints the summary JSON of a dump on disk
//   types/      declarations (tsc), index.d.ts and node.d.ts point into them
// The glue stays a separate, unmodified file: worker.js and node.js import it as ./kdmpview.js, and it finds
// kdmpview.wasm next to itself. KDMP_NPM_OUT=dir builds elsewhere than build/npm.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { build } from 'vite';
import { disassemblerPlugin } from './vite-disasm-plugin.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.env.KDMP_NPM_OUT ? path.resolve(process.env.KDMP_NPM_OUT) : path.join(root, 'build/npm');
const glue = path.join(root, 'build-wasm/wasm/kdmpview.js');
const wasm = path.join(root, 'build-wasm/wasm/kdmpview.wasm');
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;

rmSync(out, { recursive: true, force: true });

/** @type {import('vite').Plugin} */
const externalGlue = {
  name: 'kdmpview-external-glue',
  enforce: 'pre',
  resolveId(id) {
    if (id === '@wasm/kdmpview') return { id: './kdmpview.js', external: 'relative' };
    return null;
  },
};

await build({
  configFile: false,
  root,
  logLevel: 'warn',
  plugins: [externalGlue, disassemblerPlugin()],
  // The disassemblers' .wasm files are found relative to the chunk that loads them, wherever a host serves the package.
  base: './',
  resolve: { alias: [{ find: /^@wasm\/(?!kdmpview$)/, replacement: path.join(root, 'wasm') + '/' }] },
  build: {
    outDir: out,
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    lib: {
      entry: {
        index: path.join(root, 'web/src/package/index.ts'),
        node: path.join(root, 'web/src/package/node.ts'),
        element: path.join(root, 'web/src/package/element.ts'),
        worker: path.join(root, 'web/src/worker/worker.ts'),
      },
      formats: ['es'],
    },
    rolldownOptions: {
      external: [/^node:/],
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});

// The element's stylesheet: a library build would inline a CSS import as a data: URL (which the CSP refuses), so
// styles.css is built on its own, its @imports inlined, into kdmp-viewer.css next to element.js.
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  build: {
    outDir: out,
    emptyOutDir: false,
    target: 'es2022',
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: { 'kdmp-viewer': path.join(root, 'web/src/styles.css') },
      output: { assetFileNames: '[name][extname]' },
    },
  },
});

copyFileSync(glue, path.join(out, 'kdmpview.js'));
copyFileSync(path.join(root, 'web/src/package/README.md'), path.join(out, 'README.md'));
copyFileSync(wasm, path.join(out, 'kdmpview.wasm'));

// Declarations: tsc over the two entries, then the "@wasm/..." aliases made relative (the hand-written
// kdmpview.d.ts goes along).
const types = path.join(out, 'types');
execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', path.join(root, 'tsconfig.package.json'), '--outDir', types], { stdio: 'inherit' });
mkdirSync(path.join(types, 'wasm'), { recursive: true });
copyFileSync(path.join(root, 'wasm/kdmpview.d.ts'), path.join(types, 'wasm/kdmpview.d.ts'));
for (const file of walk(types)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(["'])@wasm\/([\w-]+)\1/g, (_, quote, name) => {
    let relative = path.relative(path.dirname(file), path.join(types, 'wasm', name)).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    return `${quote}${relative}${quote}`;
  });
  if (fixed !== text) writeFileSync(file, fixed);
}
writeFileSync(path.join(out, 'index.d.ts'), "export * from './types/web/src/package/index.js';\n");
writeFileSync(path.join(out, 'node.d.ts'), "export * from './types/web/src/package/node.js';\n");
writeFileSync(path.join(out, 'element.d.ts'), "export * from './types/web/src/package/element.js';\n");

mkdirSync(path.join(out, 'bin'));
writeFileSync(path.join(out, 'bin/kdmpview-json.js'), `#!/usr/bin/env node
// kdmpview-json DUMP_PATH: prints the summary JSON of a dump (the document kdmp-parser --json prints).
import { summaryJson } from '../node.js';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: kdmpview-json DUMP_PATH');
  process.exit(2);
}
try {
  console.log(await summaryJson(file, { pretty: true }));
} catch (e) {
  console.error(\`kdmpview-json: \${file}: \${e.code ?? 'error'}: \${e.message}\`);
  process.exit(1);
}
`, { mode: 0o755 });

writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({
  name: 'kdmpview',
  version,
  description: 'Windows kernel crash dumps in the browser and in Node: a C++ parser compiled to WebAssembly',
  type: 'module',
  // Importing kdmpview/element defines <kdmp-viewer>: keep it when bundlers shake.
  sideEffects: ['./element.js'],
  exports: {
    '.': { types: './index.d.ts', default: './index.js' },
    './node': { types: './node.d.ts', default: './node.js' },
    './element': { types: './element.d.ts', default: './element.js' },
    './kdmp-viewer.css': './kdmp-viewer.css',
    './worker.js': './worker.js',
    './kdmpview.js': './kdmpview.js',
    './kdmpview.wasm': './kdmpview.wasm',
    './package.json': './package.json',
  },
  types: './index.d.ts',
  bin: { 'kdmpview-json': './bin/kdmpview-json.js' },
  engines: { node: '>=20' },
}, null, 2)}\n`);

const size = (/** @type {string} */ f) => statSync(path.join(out, f)).size;
console.log(`package: ${path.relative(root, out)} (index.js ${size('index.js')} B, element.js ${size('element.js')} B, worker.js ${size('worker.js')} B, kdmpview.wasm ${size('kdmpview.wasm')} B)`);

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
