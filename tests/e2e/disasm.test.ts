// Call stacks and disassembly in Chromium, on fixture dumps built from images compiled at test time
// (tests/images, tests/stack_images): the Stack tab's tables against the CLI's callStack, and every disassembly
// surface (the first screen's faulting instruction, a frame's code, the hex view's pane) against LLVM's own
// disassembler on the same image (llvm-objdump-14), for x64 (iced-x86) and ARM64 (Capstone), under the page's CSP.
import { fileURLToPath } from 'node:url';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatRowAddress } from '../../web/src/hex/hex-format';
import type { Summary } from '../../web/src/summary';
import { imageBaseOf, llvmMnemonicAt, llvmMnemonics, viewerMnemonic } from '../web/llvm-objdump';
import { cliSummary, fixture } from '../wasm/support';
import { openFixtures, poll, useViewerPage } from './harness';

const t = useViewerPage({ viewport: { width: 1400, height: 900 } });

const summaryOf = (name: string) => cliSummary(fixture(name)) as unknown as Summary;
const field = (scope: Locator, name: string) => scope.locator(`[data-field="${name}"]`);
const panel = (id: string) => t.page.locator(`[data-panel="${id}"]`);

/** A fixture's image file, or (with a "/") one the native build made. */
const imagePath = (imageFile: string) => (imageFile.includes('/') ? imageFile : fixture(imageFile));

/** The ARM64 test driver the unwinder's images build (its fixture copy would clash with the x64 one's name). */
const ARM64_STACKDRV = fileURLToPath(new URL('../../build/tests/stack_images/arm64/stackdrv.sys', import.meta.url));

/** Where the dump's `address` is in the image file, as llvm-objdump-14 numbers it (at the file's image base). */
function imageAddress(summary: Summary, moduleName: string, imageFile: string, address: bigint): bigint {
  const module = summary.modules.find((m) => m.name === moduleName)!;
  return imageBaseOf(imagePath(imageFile)) + address - BigInt(module.base);
}

/** LLVM's mnemonic for the instruction at `address` of the dump, on an instruction boundary of LLVM's listing of
 *  the image file mapped at `moduleName`'s base (so the lines before a target are checked to be real ones too). */
function oracle(summary: Summary, moduleName: string, imageFile: string, address: bigint, x86: boolean): string {
  const llvm = llvmMnemonics(imagePath(imageFile), x86).get(imageAddress(summary, moduleName, imageFile, address));
  if (!llvm) throw new Error(`llvm-objdump-14 lists no instruction at ${address.toString(16)} of ${imageFile}`);
  return viewerMnemonic(llvm);
}

async function open(...names: string[]): Promise<void> {
  await openFixtures(t.page, ...names);
  await poll(() => panel('crash').locator('[data-field="bugcheckCode"]').count()).toBe(1);
}

async function showTab(id: string): Promise<Locator> {
  await t.page.locator(`[data-tab="${id}"]`).click();
  await poll(() => panel(id).locator('.panel-page, .hex-workspace').count()).toBeGreaterThan(0);
  return panel(id);
}

/** The rows of a listing: address, mnemonic and whether it is the marked one. */
async function listing(table: Locator): Promise<{ address: string; bytes: string; mnemonic: string; operands: string; current: boolean }[]> {
  return table.locator('tr').evaluateAll((rows) => rows.map((row) => ({
    address: row.querySelector('[data-field="disasmAddress"]')?.textContent ?? '',
    bytes: row.querySelector('[data-field="disasmBytes"]')?.textContent ?? '',
    mnemonic: row.querySelector('[data-field="disasmMnemonic"]')?.textContent ?? '',
    operands: row.querySelector('[data-field="disasmOperands"]')?.textContent ?? '',
    current: (row as HTMLElement).dataset['current'] === 'true',
  })));
}

const FOUND_LABELS: Record<string, string> = { context: 'context', unwind: 'unwind data', 'trap-frame': 'trap frame', 'frame-chain': 'frame chain', scan: 'scan (a guess)' };

/** The call-stack table of the Stack tab, as text per column. */
async function callStackRows(stack: Locator, field: string) {
  return stack.locator(`table.${field} tbody tr`).evaluateAll((rows) => rows.map((row) => {
    const text = (name: string) => row.querySelector(`[data-field="${name}"]`)?.textContent ?? '';
    return { number: text('frameNumber'), childSp: text('frameChildSp'), returnAddress: text('frameReturn'), callSite: text('frameCallSite'), found: text('frameFound') };
  }));
}

function expectedRows(summary: Summary) {
  return summary.callStack!.frames.map((f) => ({
    number: f.number.toString(16).padStart(2, '0'), childSp: f.childSp, returnAddress: f.returnAddress, callSite: f.callSite, found: FOUND_LABELS[f.found]!,
  }));
}

describe('the first screen: the faulting instruction', () => {
  it('x64 (iced-x86): StackLeaf\'s faulting read and the instructions around it are LLVM\'s', async () => {
    await open('stack-x64.dmp');
    const summary = summaryOf('stack-x64.dmp');
    const code = summary.analysis!.code!;
    const ip = BigInt(code.instruction);
    const table = field(panel('crash'), 'faultingCode');
    await poll(() => table.count()).toBe(1);
    const rows = await listing(table);
    const current = rows.filter((r) => r.current);
    expect(current.map((r) => r.address)).toEqual([formatRowAddress(ip, 16)]);
    expect(current[0]!.mnemonic).toBe(oracle(summary, 'stackdrv.sys', 'stackdrv.sys', ip, true));
    // Its bytes are the dump's (analysis.code.bytes holds them from code.address on).
    const offset = Number(ip - BigInt(code.address));
    expect(code.bytes.slice(2 * offset).startsWith(current[0]!.bytes.replace(/ /g, ''))).toBe(true);
    const at = rows.indexOf(current[0]!);
    expect(at).toBeGreaterThanOrEqual(2);
    expect(rows.length - at).toBeGreaterThanOrEqual(3);
    // Every line, before the target too, starts where LLVM's listing has an instruction, and is the same one.
    for (const row of rows) {
      const address = BigInt(`0x${row.address.replace('`', '')}`);
      expect(row.mnemonic, row.address).toBe(oracle(summary, 'stackdrv.sys', 'stackdrv.sys', address, true));
    }
    // The call just before names its target.
    expect(rows[at - 1]!.mnemonic).toBe('call');
    expect(rows[at - 1]!.operands).toMatch(/\(stackdrv!StackSink\)$/);
    expect(await field(panel('crash'), 'faultingCodeSymbol').textContent()).toBe(`${summary.analysis!.symbolName}:`);
    expect(summary.analysis!.symbolName).toMatch(/^stackdrv!StackLeaf\+0x[0-9a-f]+$/);
  });

  it('x64 with the PDB: the fixture\'s fault at SymFaultingFunction+0x10 is decoded from there, as LLVM does', async () => {
    await open('symbols-x64.dmp', 'symdrv.pdb');
    const summary = summaryOf('symbols-x64.dmp');
    const ip = BigInt(summary.analysis!.code!.instruction);
    await poll(() => field(panel('crash'), 'faultingCodeSymbol').textContent()).toBe('symdrv!SymFaultingFunction+0x10:');
    const table = field(panel('crash'), 'faultingCode');
    await poll(() => table.count()).toBe(1);
    const current = (await listing(table)).find((r) => r.current)!;
    expect(current.address).toBe(formatRowAddress(ip, 16));
    // The fixture puts the fault 0x10 bytes into the function, inside an instruction: both decoders start there.
    const llvm = llvmMnemonicAt(fixture('symdrv.sys'), true, imageAddress(summary, 'symdrv.sys', 'symdrv.sys', ip));
    expect(current.mnemonic).toBe(viewerMnemonic(llvm!));
  });

  it('ARM64 (Capstone): the same function compiled for ARM64', async () => {
    await open('symbols-arm64.dmp', 'symdrva.pdb');
    const summary = summaryOf('symbols-arm64.dmp');
    const ip = BigInt(summary.analysis!.code!.instruction);
    const table = field(panel('crash'), 'faultingCode');
    await poll(() => table.count()).toBe(1);
    const rows = await listing(table);
    const current = rows.find((r) => r.current)!;
    expect(current.address).toBe(formatRowAddress(ip, 16));
    expect(current.bytes.split(' ')).toHaveLength(4);
    expect(current.mnemonic).toBe(oracle(summary, 'symdrv.sys', 'symdrva.sys', ip, false));
    for (const row of rows) {
      const address = BigInt(`0x${row.address.replace('`', '')}`);
      expect(row.mnemonic, row.address).toBe(oracle(summary, 'symdrv.sys', 'symdrva.sys', address, false));
    }
  });
});

describe('the first screen on the other machines', () => {
  // The system fixtures write known bytes at the faulting instruction pointer (tests/fixtures/system_writer.cpp).
  it.each([
    ['system-x86.dmp', 8, '8b 41 28', 'mov', 'eax, dword ptr [ecx+0x28]'],
    ['system-arm.dmp', 8, '88 6a', 'ldr', 'r0, [r1, #0x28]'],
  ])('%s: the instruction the fixture wrote', async (name, digits, bytes, mnemonic, operands) => {
    await open(name);
    const ip = BigInt(summaryOf(name).analysis!.code!.instruction);
    const table = field(panel('crash'), 'faultingCode');
    await poll(() => table.count()).toBe(1);
    const current = (await listing(table)).find((r) => r.current)!;
    expect(current).toEqual({ address: formatRowAddress(ip, digits), bytes, mnemonic, operands, current: true });
  });
});

describe('the Stack tab', () => {
  it('lists DriverEntry -> StackMiddle -> StackLeaf as k does, and a frame\'s Code marks its call', async () => {
    await open('stack-x64.dmp');
    const summary = summaryOf('stack-x64.dmp');
    const stack = await showTab('stack');
    await poll(() => callStackRows(stack, 'callStack')).toEqual(expectedRows(summary));
    const rows = await callStackRows(stack, 'callStack');
    expect(rows.map((r) => r.number)).toEqual(['00', '01', '02']);
    expect(rows.map((r) => r.callSite.replace(/\+0x[0-9a-f]+$/, ''))).toEqual(['stackdrv!StackLeaf', 'stackdrv!StackMiddle', 'stackdrv!DriverEntry']);
    expect(rows.map((r) => r.found)).toEqual(['context', 'unwind data', 'unwind data']);
    // k: each frame's return address is the next frame's instruction pointer; the last returns to 0.
    const frames = summary.callStack!.frames;
    expect(frames.slice(0, -1).map((f) => f.returnAddress)).toEqual(frames.slice(1).map((f) => f.instructionPointer));

    // Frame 01 (StackMiddle, returned to): the call before its return address is marked.
    await stack.locator('table.callStack tbody tr').nth(1).locator('[data-field="frameCode"]').click();
    await poll(() => field(stack, 'stackCodeTitle').textContent()).toBe(`Frame 01: ${frames[1]!.callSite}`);
    const table = field(stack, 'stackCode');
    await poll(() => table.count()).toBe(1);
    const lines = await listing(table);
    const call = lines.find((l) => l.current)!;
    const callAddress = BigInt(`0x${call.address.replace('`', '')}`);
    expect(call.mnemonic).toBe('call');
    expect(oracle(summary, 'stackdrv.sys', 'stackdrv.sys', callAddress, true)).toBe('call');
    expect(callAddress + BigInt(call.bytes.split(' ').length)).toBe(BigInt(frames[1]!.instructionPointer));
    // A direct call names its target.
    expect(call.operands).toMatch(/\(stackdrv!StackLeaf\)$/);

    // Its bytes in the hex view: the call selected, the disassembly pane open at it.
    await field(stack, 'stackCodeHex').click();
    const hex = panel('hex');
    await poll(() => field(hex, 'hexCursor').textContent()).toBe(`0x${callAddress.toString(16)}`);
    expect(await field(hex, 'hexSelection').textContent()).toMatch(new RegExp(`^${call.bytes.split(' ').length} bytes selected`));
    const pane = field(hex, 'hexDisasmListing');
    await poll(() => pane.count()).toBe(1);
    await poll(async () => (await listing(pane)).find((l) => l.current)?.mnemonic).toBe('call');
  });

  it('crosses KiPageFault\'s trap frame into StackLeaf; the interrupted frame\'s Code marks the faulting instruction', async () => {
    await open('stack-trap-x64.dmp');
    const summary = summaryOf('stack-trap-x64.dmp');
    const stack = await showTab('stack');
    await poll(() => callStackRows(stack, 'callStack')).toEqual(expectedRows(summary));
    const rows = await callStackRows(stack, 'callStack');
    expect(rows.map((r) => r.callSite.replace(/^[^!]+!|\+0x[0-9a-f]+$/g, ''))).toEqual(['KeBugCheckEx', 'KiPageFault', 'StackLeaf', 'StackMiddle', 'DriverEntry']);
    expect(rows.map((r) => r.found)).toEqual(['context', 'unwind data', 'trap frame', 'unwind data', 'unwind data']);

    const leaf = summary.callStack!.frames[2]!;
    await stack.locator('table.callStack tbody tr').nth(2).locator('[data-field="frameCode"]').click();
    const table = field(stack, 'stackCode');
    await poll(() => table.count()).toBe(1);
    const current = (await listing(table)).find((l) => l.current)!;
    const ip = BigInt(leaf.instructionPointer);
    expect(current.address).toBe(formatRowAddress(ip, 16));
    expect(current.mnemonic).toBe(oracle(summary, 'stackdrv.sys', 'stackdrv.sys', ip, true));

    // The call site itself opens the hex view there, the disassembly pane beside it.
    await stack.locator('table.callStack tbody tr').nth(2).locator('[data-field="frameCallSite"]').click();
    const hex = panel('hex');
    await poll(() => field(hex, 'hexCursor').textContent()).toBe(leaf.instructionPointer);
    expect(await hex.locator('[data-tool="disassembly"]').getAttribute('aria-pressed')).toBe('true');
    await poll(async () => (await listing(field(hex, 'hexDisasmListing'))).find((l) => l.current)?.mnemonic).toBe(current.mnemonic);
  });
});

describe('the Stack tab and the first screen on ARM64', () => {
  it('lists the ARM64 chain as the CLI does; the listings are LLVM\'s (Capstone)', async () => {
    await open('stack-arm64.dmp');
    const summary = summaryOf('stack-arm64.dmp');
    const ip = BigInt(summary.analysis!.code!.instruction);
    const table = field(panel('crash'), 'faultingCode');
    await poll(() => table.count()).toBe(1);
    const rows = await listing(table);
    expect(rows.find((r) => r.current)?.address).toBe(formatRowAddress(ip, 16));
    for (const row of rows) {
      const address = BigInt(`0x${row.address.replace('`', '')}`);
      expect(row.mnemonic, row.address).toBe(oracle(summary, 'stackdrv.sys', ARM64_STACKDRV, address, false));
    }

    const stack = await showTab('stack');
    await poll(() => callStackRows(stack, 'callStack')).toEqual(expectedRows(summary));
    const frames = await callStackRows(stack, 'callStack');
    expect(frames.map((r) => r.callSite.replace(/\+0x[0-9a-f]+$/, ''))).toEqual(['stackdrv!StackLeaf', 'stackdrv!StackMiddle', 'stackdrv!DriverEntry']);
    // Frame 01 returned to: the bl before its return address is marked.
    await stack.locator('table.callStack tbody tr').nth(1).locator('[data-field="frameCode"]').click();
    const code = field(stack, 'stackCode');
    await poll(() => code.count()).toBe(1);
    const call = (await listing(code)).find((l) => l.current)!;
    expect(call.mnemonic).toBe('bl');
    expect(BigInt(`0x${call.address.replace('`', '')}`) + 4n).toBe(BigInt(summary.callStack!.frames[1]!.instructionPointer));
  });
});

describe('the hex view\'s disassembly pane', () => {
  it('is off until asked; in virtual memory it follows the cursor through code', async () => {
    await open('stack-x64.dmp');
    const summary = summaryOf('stack-x64.dmp');
    const hex = await showTab('hex');
    const toggle = hex.locator('[data-tool="disassembly"]');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await field(hex, 'hexDisasm').isVisible()).toBe(false);
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    // The file view has no code addresses.
    await poll(() => field(hex, 'hexDisasmNote').textContent()).toBe('Code runs at virtual addresses: switch to Virtual to disassemble.');

    const ip = BigInt(summary.callStack!.frames[0]!.instructionPointer);
    await hex.locator('[data-space="virtual"]').click();
    await poll(() => hex.locator('[data-space="virtual"]').getAttribute('aria-pressed')).toBe('true');
    const box = hex.locator('.hex-goto');
    await box.fill(`0x${ip.toString(16)}`);
    await box.press('Enter');
    await poll(() => field(hex, 'hexDisasmWhere').textContent()).toBe(`0x${ip.toString(16)}`);
    const pane = field(hex, 'hexDisasmListing');
    await poll(async () => (await listing(pane)).find((l) => l.current)?.address).toBe(formatRowAddress(ip, 16));
    const lines = await listing(pane);
    for (const line of lines) {
      const address = BigInt(`0x${line.address.replace('`', '')}`);
      expect(line.mnemonic, line.address).toBe(oracle(summary, 'stackdrv.sys', 'stackdrv.sys', address, true));
    }
    // The next instruction: the pane follows.
    const next = lines[lines.findIndex((l) => l.current) + 1]!;
    await box.fill(`0x${next.address.replace('`', '')}`);
    await box.press('Enter');
    await poll(async () => (await listing(pane)).find((l) => l.current)?.mnemonic).toBe(next.mnemonic);
    // Off again: hidden.
    await toggle.click();
    expect(await field(hex, 'hexDisasm').isVisible()).toBe(false);
  });
});
