// LLVM's disassembler as the oracle for the viewer's: what llvm-objdump-14 (Debian's llvm-14) prints for an image the
// tests compiled, by address, and the PE facts needed to place an image's bytes (image base, sections).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface PeSection { name: string; va: number; size: number; raw: number; rawSize: number }

export function peLayout(image: Uint8Array): { imageBase: bigint; sections: PeSection[] } {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const pe = view.getUint32(0x3c, true);
  const count = view.getUint16(pe + 6, true);
  const optionalSize = view.getUint16(pe + 20, true);
  const optional = pe + 24;
  const pe32plus = view.getUint16(optional, true) === 0x20b;
  const imageBase = pe32plus ? view.getBigUint64(optional + 24, true) : BigInt(view.getUint32(optional + 28, true));
  const sections: PeSection[] = [];
  for (let i = 0; i < count; i++) {
    const at = optional + optionalSize + 40 * i;
    const name = new TextDecoder().decode(image.subarray(at, at + 8)).replace(/\0+$/, '');
    sections.push({ name, size: view.getUint32(at + 8, true), va: view.getUint32(at + 12, true), rawSize: view.getUint32(at + 16, true), raw: view.getUint32(at + 20, true) });
  }
  return { imageBase, sections };
}

/** The image base of the PE file at `file`. */
export function imageBaseOf(file: string): bigint {
  return peLayout(new Uint8Array(readFileSync(file))).imageBase;
}

/** address (at the file's image base) -> mnemonic, from `llvm-objdump-14 -d` (Intel syntax for x86); from `start`
 *  to `stop` when given (LLVM then decodes from `start`, an instruction boundary or not). */
export function llvmMnemonics(file: string, x86: boolean, range?: { start: bigint; stop: bigint }): Map<bigint, string> {
  const bounds = range ? [`--start-address=0x${range.start.toString(16)}`, `--stop-address=0x${range.stop.toString(16)}`] : [];
  const args = ['-d', '--no-show-raw-insn', ...(x86 ? ['--x86-asm-syntax=intel'] : []), ...bounds, file];
  const out = execFileSync('llvm-objdump-14', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const map = new Map<bigint, string>();
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+([a-z][a-z0-9.]*)/.exec(line);
    if (m) map.set(BigInt(`0x${m[1]}`), m[2]!);
  }
  return map;
}

/** The mnemonic LLVM decodes at `address` of the image file, reading from there. */
export function llvmMnemonicAt(file: string, x86: boolean, address: bigint): string | undefined {
  return llvmMnemonics(file, x86, { start: address, stop: address + 16n }).get(address);
}

/** The few names LLVM and the viewer's libraries spell differently for the same instruction. */
export const LLVM_SAME: Readonly<Record<string, string>> = { movabs: 'mov', int3: 'int' };

/** LLVM's mnemonic at `address` as the viewer spells it. */
export function viewerMnemonic(llvm: string): string {
  return LLVM_SAME[llvm] ?? llvm;
}
