// Loads a disassembler the first time one is asked for, never before: iced-x86 for x86/x64, Capstone for ARM64 and
// Thumb-2. Each library and its .wasm is a chunk and an asset of its own that Vite bundles into the site (no other
// host, and the service worker keeps them offline); the CSP's 'wasm-unsafe-eval' lets them compile.
import { type CodeArch, type Disassembler } from './disassembler';

const loading = new Map<CodeArch, Promise<Disassembler>>();

export function loadDisassembler(arch: CodeArch): Promise<Disassembler> {
  let promise = loading.get(arch);
  if (!promise) {
    promise = arch === 'x86' || arch === 'x64' ? loadIced(arch) : loadCapstone(arch);
    // A failed load (a network error mid-download) is tried again next time.
    promise.catch(() => loading.delete(arch));
    loading.set(arch, promise);
  }
  return promise;
}

let icedModule: Promise<typeof import('iced-x86')> | null = null;
let capstoneModule: Promise<import('@alexaltea/capstone-js').CapstoneModule> | null = null;

async function loadIced(arch: 'x86' | 'x64'): Promise<Disassembler> {
  icedModule ??= (async () => {
    const [iced, wasm] = await Promise.all([import('iced-x86'), import('iced-x86/iced_x86_bg.wasm?url&no-inline')]);
    // iced-x86's npm build targets Node (it reads its .wasm with fs); scripts/vite-disasm-plugin.ts turns that read
    // into __instantiate, which takes the module compiled here from the bundled asset.
    const instantiate = (iced as unknown as { __instantiate?: (module: WebAssembly.Module) => Promise<void> }).__instantiate;
    if (instantiate) await instantiate(await WebAssembly.compileStreaming(fetch(wasm.default)));
    return iced;
  })();
  const [iced, { createIcedDisassembler }] = await Promise.all([icedModule, import('./iced-disassembler')]);
  return createIcedDisassembler(iced, arch);
}

async function loadCapstone(arch: 'arm64' | 'thumb'): Promise<Disassembler> {
  capstoneModule ??= (async () => {
    const [{ default: factory }, wasm] = await Promise.all([
      import('@alexaltea/capstone-js'),
      import('@alexaltea/capstone-js/dist/capstone.wasm?url&no-inline'),
    ]);
    return factory({ locateFile: () => wasm.default });
  })();
  const [cs, { createCapstoneDisassembler }] = await Promise.all([capstoneModule, import('./capstone-disassembler')]);
  return createCapstoneDisassembler(cs, arch);
}
