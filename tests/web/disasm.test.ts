// The viewer's disassemblers in Node: iced-x86 (x86/x64) and Capstone (ARM64, Thumb-2) behind one interface, the
// listing around an address (x86's backward step included), and, as the oracle, LLVM's own disassembler: every
// instruction of the .text of the test-compiled driver images (tests/images, tests/stack_images) decodes to the
// mnemonic llvm-objdump-14 prints at the same address.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CapstoneModule } from '@alexaltea/capstone-js';
import { createCapstoneDisassembler } from '../../web/src/disasm/capstone-disassembler';
import { codeArchOf, type CodeArch, type Disassembler } from '../../web/src/disasm/disassembler';
import { createIcedDisassembler, type IcedModule } from '../../web/src/disasm/iced-disassembler';
import { readCodeAround } from '../../web/src/disasm/code-view';
import { bytesFromHex, instructionBytes, listingAround } from '../../web/src/disasm/listing';
import { llvmMnemonics, peLayout, viewerMnemonic } from './llvm-objdump';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));
const bytes = (hex: string) => bytesFromHex(hex)!;

let disassemblers: Record<CodeArch, Disassembler>;

beforeAll(async () => {
  // Under Node both packages load their .wasm themselves (the browser build goes through web/src/disasm/load.ts).
  const iced = require('iced-x86') as IcedModule;
  const cs = await (require('@alexaltea/capstone-js') as () => Promise<CapstoneModule>)();
  disassemblers = {
    x86: createIcedDisassembler(iced, 'x86'),
    x64: createIcedDisassembler(iced, 'x64'),
    arm64: createCapstoneDisassembler(cs, 'arm64'),
    thumb: createCapstoneDisassembler(cs, 'thumb'),
  };
});

const text = (arch: CodeArch, hex: string, address: bigint, count = 100) =>
  disassemblers[arch].decode(bytes(hex), address, count).map((i) => `${i.address.toString(16)} ${instructionBytes(i)} ${i.mnemonic} ${i.operands}`.trim());

describe('the machines', () => {
  it('maps MachineImageType to an instruction set', () => {
    expect(['0x14c', '0x8664', '0xaa64', '0x1c4', '0x200'].map(codeArchOf)).toEqual(['x86', 'x64', 'arm64', 'thumb', null]);
  });
});

describe('decoding', () => {
  it('x64: sizes spelled out, numbers as 0x, direct branch targets; a bad byte does not stop decoding', () => {
    const at = 0xfffff80315a41000n;
    expect(text('x64', '488b04c1e810000000cc06c3', at)).toEqual([
      'fffff80315a41000 48 8b 04 c1 mov rax, qword ptr [rcx+rax*8]',
      'fffff80315a41004 e8 10 00 00 00 call 0xfffff80315a41019',
      'fffff80315a41009 cc int 3',
      'fffff80315a4100a 06 (bad)',  // push es does not exist in 64-bit mode
      'fffff80315a4100b c3 ret',
    ]);
    expect(disassemblers.x64.decode(bytes('e810000000'), at, 1)[0]!.branchTarget).toBe(0xfffff80315a41015n);
  });

  it('x86: 32-bit registers; push es is valid there', () => {
    expect(text('x86', '8b4508065dc3', 0x80401000n)).toEqual([
      '80401000 8b 45 08 mov eax, dword ptr [ebp+8]',
      '80401003 06 push es',
      '80401004 5d pop ebp',
      '80401005 c3 ret',
    ]);
  });

  it('an instruction cut off where the bytes end is left out', () => {
    expect(text('x64', 'c3488b', 0x1000n)).toEqual(['1000 c3 ret']);
  });

  it('ARM64: words, branch targets, a word that decodes to nothing as (bad)', () => {
    const at = 0xfffff80000001000n;
    expect(text('arm64', '200040f904000094ffffffffc0035fd6', at)).toEqual([
      'fffff80000001000 20 00 40 f9 ldr x0, [x1]',
      'fffff80000001004 04 00 00 94 bl #0xfffff80000001014',
      'fffff80000001008 ff ff ff ff (bad)',
      'fffff8000000100c c0 03 5f d6 ret',
    ]);
    expect(disassemblers.arm64.decode(bytes('04000094'), at, 1)[0]!.branchTarget).toBe(0xfffff80000001010n);
  });

  it('Thumb-2: 16- and 32-bit instructions', () => {
    expect(text('thumb', '00f002f808687047', 0x80001000n)).toEqual([
      '80001000 00 f0 02 f8 bl #0x80001008',
      '80001004 08 68 ldr r0, [r1]',
      '80001006 70 47 bx lr',
    ]);
  });
});

describe('the listing around an address', () => {
  // push rbx; sub rsp,0x20; mov rbx,rcx; call rel32; mov rax,[rbx] (the target); add rsp,0x20; pop rbx; ret
  const code = '534883ec204889cbe800000000488b034883c4205bc3';
  const start = 0x140001000n;

  it('x64: walks back to instruction boundaries and marks the target', () => {
    const listing = listingAround(disassemblers.x64, bytes(code), start, start + 13n, 3, 2);
    expect(listing.found).toBe(true);
    expect(listing.lines.map((l) => `${l.current ? '>' : ' '}${l.mnemonic} ${l.operands}`)).toEqual([
      ' sub rsp, 0x20',
      ' mov rbx, rcx',
      ' call 0x14000100d',
      '>mov rax, qword ptr [rbx]',
      ' add rsp, 0x20',
    ]);
  });

  it('x64: a return address marks the call before it', () => {
    const listing = listingAround(disassemblers.x64, bytes(code), start, start + 13n, 2, 1, { markCall: true });
    expect(listing.lines.filter((l) => l.current).map((l) => [l.address, l.mnemonic])).toEqual([[start + 8n, 'call']]);
    // The return address at the very end of the bytes still finds its call.
    const end = listingAround(disassemblers.x64, bytes(code.slice(0, 26)), start, start + 13n, 2, 1, { markCall: true });
    expect(end.lines.find((l) => l.current)?.mnemonic).toBe('call');
  });

  it('x64: a target inside an instruction is decoded from there, and outside the bytes gives nothing', () => {
    expect(listingAround(disassemblers.x64, bytes(code), start, start + 100n, 2, 2).lines).toEqual([]);
    expect(listingAround(disassemblers.x64, bytes(code), start, start - 1n, 2, 2).lines).toEqual([]);
  });

  it('ARM64: the words before the target', () => {
    const listing = listingAround(disassemblers.arm64, bytes('fd7bbfa9fd030091200040f9fd7bc1a8c0035fd6'), 0x1000n, 0x1008n, 2, 2);
    expect(listing.lines.map((l) => `${l.current ? '>' : ' '}${l.mnemonic}`)).toEqual([' stp', ' mov', '>ldr', ' ldp']);
  });
});

// --- LLVM as the oracle over real images ---

const IMAGES: [string, CodeArch][] = [
  ['build/tests/images/symdrv.sys', 'x64'],
  ['build/tests/images/symdrva.sys', 'arm64'],
  ['build/tests/stack_images/x64/stackdrv.sys', 'x64'],
  ['build/tests/stack_images/x64/ntoskrnl.exe', 'x64'],
  ['build/tests/stack_images/arm64/stackdrv.sys', 'arm64'],
];

describe.each(IMAGES)('%s against llvm-objdump-14', (relative, arch) => {
  it('every instruction of .text has LLVM\'s mnemonic', () => {
    const file = root + relative;
    if (!existsSync(file)) throw new Error(`missing ${file}: run scripts/build.sh`);
    const image = new Uint8Array(readFileSync(file));
    const { imageBase, sections } = peLayout(image);
    const textSection = sections.find((s) => s.name === '.text')!;
    const code = image.subarray(textSection.raw, textSection.raw + Math.min(textSection.size, textSection.rawSize));
    const expected = llvmMnemonics(file, arch === 'x64');
    const decoded = disassemblers[arch].decode(code, imageBase + BigInt(textSection.va), code.length);
    const compared = decoded.filter((i) => expected.has(i.address));
    // LLVM's listing and ours agree on where every instruction starts...
    expect(compared.length).toBe(expected.size);
    expect(compared.length).toBeGreaterThan(20);
    // ...and on what it is.
    const mismatches = compared.filter((i) => viewerMnemonic(expected.get(i.address)!) !== i.mnemonic)
      .map((i) => `${i.address.toString(16)}: ${i.mnemonic} ${i.operands} (LLVM: ${expected.get(i.address)})`);
    expect(mismatches).toEqual([]);
  });
});

describe('iced-x86 patched for the browser (scripts/vite-disasm-plugin.ts)', () => {
  it('loads without fs, path or util and decodes once __instantiate has the compiled module', async () => {
    const { patchIcedForBrowser } = await import('../../scripts/vite-disasm-plugin.mjs');
    const source = readFileSync(require.resolve('iced-x86'), 'utf8');
    const patched = patchIcedForBrowser(source);
    // (Its doc comments still show require("iced-x86") examples.)
    expect(patched).not.toMatch(/require\((`util`|'fs'|'path')\)/);
    // Run it as the bundler's CommonJS wrapper would, with no require at all.
    const module = { exports: {} as Record<string, unknown> };
    const noRequire = (name: string) => { throw new Error(`require(${name})`); };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the test stands in for the bundler's wrapper
    new Function('module', 'exports', 'require', patched)(module, module.exports, noRequire);
    const compiled = await WebAssembly.compile(readFileSync(require.resolve('iced-x86/iced_x86_bg.wasm')));
    await (module.exports['__instantiate'] as (m: WebAssembly.Module) => Promise<void>)(compiled);
    const x64 = createIcedDisassembler(module.exports as unknown as IcedModule, 'x64');
    expect(x64.decode(bytes('488b04c1'), 0x1000n, 1).map((i) => `${i.mnemonic} ${i.operands}`)).toEqual(['mov rax, qword ptr [rcx+rax*8]']);
  });

  it('refuses a file that is not the build it knows', async () => {
    const { patchIcedForBrowser } = await import('../../scripts/vite-disasm-plugin.mjs');
    expect(() => patchIcedForBrowser('module.exports = {};')).toThrow(/not the 1\.21\.0 Node build/);
  });
});

describe('the listing around an address on Thumb-2', () => {
  it('steps back by halfwords without splitting a 32-bit instruction', () => {
    // ldr r0, [r1]; bl #...; ldr r0, [r1, #0x28] (the target); bx lr
    const listing = listingAround(disassemblers.thumb, bytes('086800f002f8886a7047'), 0x80001000n, 0x80001006n, 3, 2);
    expect(listing.lines.map((l) => `${l.current ? '>' : ' '}${l.mnemonic} ${l.operands}`)).toEqual([
      ' ldr r0, [r1]',
      ' bl #0x8000100a',
      '>ldr r0, [r1, #0x28]',
      ' bx lr',
    ]);
  });
});

describe('reading the code around an address', () => {
  // Memory from 0x2000 to 0x4000 is in the dump; reads stop where it ends (as DumpHandle.readVirtual does).
  const memory = { start: 0x2000n, end: 0x4000n };
  const source = {
    readVirtual: async (address: bigint, length: number) => {
      if (address < memory.start || address >= memory.end) throw new Error('page-not-in-dump');
      const end = address + BigInt(length) > memory.end ? memory.end : address + BigInt(length);
      return Uint8Array.from({ length: Number(end - address) }, (_, i) => Number((address + BigInt(i)) & 0xffn));
    },
    symbolize: async (addresses: bigint[]) => addresses.map(() => null),
  };

  it('reads before and after the address', async () => {
    const code = await readCodeAround(source, 0x2100n, 48, 32);
    expect([code?.start, code?.bytes.length, code?.bytes[48]]).toEqual([0x20d0n, 80, 0x00]);
  });

  it('starts at the page when the bytes before it are not in the dump, and stops where the dump does', async () => {
    const code = await readCodeAround(source, 0x2010n, 48, 32);
    expect([code?.start, code?.bytes.length]).toEqual([0x2000n, 0x30]);
    const end = await readCodeAround(source, 0x3ff0n, 48, 32);
    expect([end?.start, end?.bytes.length]).toEqual([0x3fc0n, 0x40]);
  });

  it('gives nothing when the address itself is not in the dump', async () => {
    expect(await readCodeAround(source, 0x4000n, 48, 32)).toBeNull();
  });
});
