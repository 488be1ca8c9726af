// What the viewer's disassembly needs from a disassembler, whichever library decodes: instructions one after another
// from some bytes at an address, an undecodable byte shown as "(bad)" rather than stopping. The libraries load on
// first use (load.ts), so the first screen never waits for them.

/** The instruction sets kdmpview disassembles: the dump's machine decides. */
export type CodeArch = 'x86' | 'x64' | 'arm64' | 'thumb';

export interface Instruction {
  address: bigint;
  bytes: Uint8Array;
  mnemonic: string;
  /** The operands as the library formats them ("rax, qword ptr [rcx+rax*8]", "x0, [x1]"). */
  operands: string;
  /** Not an instruction: one byte (x86) or one unit (ARM) shown as "(bad)". */
  invalid: boolean;
  /** Where a direct call or jump goes, for its symbol; null otherwise. */
  branchTarget: bigint | null;
}

export interface Disassembler {
  readonly arch: CodeArch;
  /** Decodes up to `count` instructions from `bytes` (at `address`), stopping where the bytes end. */
  decode(bytes: Uint8Array, address: bigint, count: number): Instruction[];
}

/** The instruction set of a dump's machine (the header's MachineImageType), or null for one we cannot decode. */
export function codeArchOf(machineImageType: string): CodeArch | null {
  switch (Number(machineImageType)) {
    case 0x14c: return 'x86';
    case 0x8664: return 'x64';
    case 0xaa64: return 'arm64';
    case 0x1c4: return 'thumb';  // Windows on 32-bit ARM runs Thumb-2 only
    default: return null;
  }
}

export const ARCH_NAMES: Record<CodeArch, string> = { x86: 'x86', x64: 'x64', arm64: 'ARM64', thumb: 'ARM Thumb-2' };

/** The smallest step between instruction starts: x86 instructions start anywhere, ARM64's every 4 bytes, Thumb's
 *  every 2. */
export function instructionAlignment(arch: CodeArch): number {
  return arch === 'arm64' ? 4 : arch === 'thumb' ? 2 : 1;
}
