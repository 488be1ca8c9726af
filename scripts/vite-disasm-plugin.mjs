// Vite plugin: lets the disassemblers' npm builds run in the browser. iced-x86 1.21.0 ships only wasm-pack's Node
// build, which takes TextDecoder from require('util') and reads its .wasm with require('fs') as it loads; here the
// first becomes the browser's globals and the second an __instantiate(module) that web/src/disasm/load.ts calls with
// the module compiled from the bundled asset. Capstone's Emscripten glue only require()s node:fs in its Node branch,
// which never runs in a browser: it resolves to an empty module. Nothing else in either file changes, and a version
// whose text differs fails the build rather than shipping a disassembler that cannot load.
const ICED = /[\\/]node_modules[\\/]iced-x86[\\/]iced_x86\.js$/;
const CAPSTONE = /[\\/]node_modules[\\/]@alexaltea[\\/]capstone-js[\\/]dist[\\/]capstone\.js$/;
const EMPTY = '\0disasm-node-builtin';

const UTIL_REQUIRE = 'const { TextDecoder, TextEncoder } = require(`util`);';
const WASM_READ = /const path = require\('path'\)\.join\(__dirname, 'iced_x86_bg\.wasm'\);\s*const bytes = require\('fs'\)\.readFileSync\(path\);\s*const wasmModule = new WebAssembly\.Module\(bytes\);\s*const wasmInstance = new WebAssembly\.Instance\(wasmModule, imports\);\s*wasm = wasmInstance\.exports;\s*module\.exports\.__wasm = wasm;\s*$/;

/**
 * @param {string} code iced_x86.js as npm ships it
 * @returns {string}
 */
export function patchIcedForBrowser(code) {
  if (!code.includes(UTIL_REQUIRE) || !WASM_READ.test(code)) {
    throw new Error('iced-x86: iced_x86.js is not the 1.21.0 Node build this plugin expects (see scripts/vite-disasm-plugin.ts)');
  }
  return code.replace(UTIL_REQUIRE, 'const { TextDecoder, TextEncoder } = globalThis;').replace(WASM_READ, [
    'module.exports.__instantiate = async (compiled) => {',
    '  const instance = await WebAssembly.instantiate(compiled, imports);',
    '  wasm = instance.exports;',
    '  module.exports.__wasm = wasm;',
    '};',
    '',
  ].join('\n'));
}

/** @returns {import('vite').Plugin} */
export function disassemblerPlugin() {
  return {
    name: 'kdmpview-disassemblers',
    enforce: 'pre',
    resolveId(id, importer) {
      return id === 'node:fs' && importer !== undefined && CAPSTONE.test(importer) ? EMPTY : null;
    },
    load(id) {
      return id === EMPTY ? 'export default {};' : null;
    },
    transform(code, id) {
      return ICED.test(id.split('?')[0] ?? id) ? { code: patchIcedForBrowser(code), map: null } : null;
    },
  };
}
