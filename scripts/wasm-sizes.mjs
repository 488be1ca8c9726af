// How much of a .wasm each part of the core takes: the code bytes of every function, grouped by what its (mangled)
// name matches. Needs the function names, so link a copy with --profiling-funcs (the shipped module has none):
//   node scripts/wasm-sizes.mjs build/wasm-profiling/kdmpview.wasm [--top N]
// The groups are patterns over the names; what -O3 inlined into a function counts for that function, so the figures
// are an estimate of each part's weight, not an exact split.
import { readFileSync } from 'node:fs';

/** @type {[string, RegExp][]} */
const GROUPS = [
  ['symbols (PE images, PDB, symbol tables, symbolizer)', /pdb|peimage|pe_image|msf|rsds|symbolizer|symbol_?table|symbolfile|symbolprovider|module_?symbols|load_symbols|version_?resource|exports?_?dir|find_runtime_function/i],
  ['unwinding and call stacks', /unwind|call_?stack|callstack|trap_?frame|codesymbolizer|code_symbolizer/i],
  ['processes and kernel offsets', /process|thread|kernel_?offsets|offset_?table|offset_?discovery|kdbg/i],
  // The binding's entry points: -O3 inlines much of the core into them (open, analysis, summaryJson).
  ['the binding (embind, and the core -O3 inlined into open/analysis/summaryJson)', /embind|emscripten|_EmVal|DumpHandle|bindings/i],
  ['libc++ and libc', /^_ZNSt|^_ZNKSt|__cxx|^std|^mem|^str|malloc|free|dlmalloc|printf|^__/],
];

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) throw new Error('usage: node scripts/wasm-sizes.mjs FILE.wasm [--top N]');
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 0;
const bytes = readFileSync(file);

let at = 8;  // magic and version
const leb = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = /** @type {number} */ (bytes[at++]);
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return result;
  }
};
const name = () => {
  const length = leb();
  const text = bytes.subarray(at, at + length).toString('utf8');
  at += length;
  return text;
};

let imported = 0;
/** @type {number[]} */
const bodySizes = [];
/** @type {Map<number, string>} */
const names = new Map();
while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  if (id === 2) {  // imports: functions take the first indexes
    for (let i = leb(); i > 0; --i) {
      name();
      name();
      const kind = bytes[at++];
      if (kind === 0) { leb(); ++imported; }
      else if (kind === 1) { at++; const flags = leb(); leb(); if (flags & 1) leb(); }
      else if (kind === 2) { const flags = leb(); leb(); if (flags & 1) leb(); }
      else if (kind === 3) { at += 2; }
    }
  } else if (id === 10) {
    for (let i = leb(); i > 0; --i) {
      const body = leb();
      bodySizes.push(body);
      at += body;
    }
  } else if (id === 0 && name() === 'name') {
    while (at < end) {
      const sub = bytes[at++];
      const subSize = leb();
      const subEnd = at + subSize;
      if (sub === 1) for (let i = leb(); i > 0; --i) names.set(leb(), name());
      at = subEnd;
    }
  }
  at = end;
}

const totals = new Map(GROUPS.map(([title]) => [title, 0]));
let other = 0;
const rows = bodySizes.map((size, i) => ({ size, name: names.get(imported + i) ?? `function ${imported + i}` }));
for (const { size, name: n } of rows) {
  const group = GROUPS.find(([, pattern]) => pattern.test(n));
  if (group) totals.set(group[0], (totals.get(group[0]) ?? 0) + size);
  else other += size;
}
const code = bodySizes.reduce((a, b) => a + b, 0);
console.log(`${file}: ${bytes.length} bytes, code ${code} bytes in ${bodySizes.length} functions (${names.size} named)`);
for (const [title, size] of totals) console.log(`  ${String(size).padStart(8)}  ${title}`);
console.log(`  ${String(other).padStart(8)}  the rest of the core (headers, memory, paging, modules, analysis, JSON, ...)`);
if (top > 0) {
  for (const { size, name: n } of rows.sort((a, b) => b.size - a.size).slice(0, top)) console.log(`  ${String(size).padStart(8)}  ${n}`);
}
