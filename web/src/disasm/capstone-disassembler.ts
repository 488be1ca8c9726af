// ARM64 and 32-bit ARM (Thumb-2) through Capstone 5 compiled to wasm (@alexaltea/capstone-js, BSD-3-Clause).
// Capstone's cs_disasm stops at the first word it cannot decode; here such a word becomes "(bad)" and decoding
// goes on after it, as WinDbg's `u` does.
import type { CapstoneModule } from '@alexaltea/capstone-js';
import { type CodeArch, type Disassembler, type Instruction, instructionAlignment } from './disassembler';

/** Direct branches, whose last operand (#0x...) is the target: b, bl, b.cond / bcc, cbz, cbnz, tbz, tbnz, blx #imm. */
const BRANCH = /^(b|bl|blx|b\.[a-z]{2}|b[a-z]{2}(\.w)?|cbn?z|tbn?z)$/;

export function createCapstoneDisassembler(cs: CapstoneModule, arch: Extract<CodeArch, 'arm64' | 'thumb'>): Disassembler {
  const handle = arch === 'arm64' ? new cs.Capstone(cs.ARCH_ARM64, cs.MODE_ARM) : new cs.Capstone(cs.ARCH_ARM, cs.MODE_THUMB);
  const unit = instructionAlignment(arch);
  return {
    arch,
    decode(bytes, address, count) {
      const out: Instruction[] = [];
      let offset = 0;
      while (out.length < count && offset + unit <= bytes.length) {
        let decoded: { address: bigint | number; size: number; mnemonic: string; op_str: string }[] = [];
        try {
          decoded = handle.disasm(bytes.subarray(offset), address + BigInt(offset), count - out.length);
        } catch {
          // Capstone throws when not even the first instruction decodes.
        }
        for (const insn of decoded) {
          const mnemonic = insn.mnemonic;
          const target = BRANCH.test(mnemonic) ? /#(0x[0-9a-f]+)$/i.exec(insn.op_str) : null;
          out.push({
            address: address + BigInt(offset),
            bytes: bytes.slice(offset, offset + insn.size),
            mnemonic,
            operands: insn.op_str,
            invalid: false,
            branchTarget: target ? BigInt(target[1]!) : null,
          });
          offset += insn.size;
        }
        if (out.length >= count || offset + unit > bytes.length) break;
        // The next unit does not decode: a Thumb-2 instruction cut off where the bytes end stops here, anything else
        // shows as (bad) and decoding resumes after it.
        if (arch === 'thumb' && offset + 4 > bytes.length && isThumb32Start(bytes, offset)) break;
        out.push({ address: address + BigInt(offset), bytes: bytes.slice(offset, offset + unit), mnemonic: '(bad)', operands: '', invalid: true, branchTarget: null });
        offset += unit;
      }
      return out;
    },
  };
}

/** A Thumb halfword that starts a 32-bit instruction (0b11101, 0b11110, 0b11111 in its top bits). */
function isThumb32Start(bytes: Uint8Array, offset: number): boolean {
  const top = bytes[offset + 1]! >> 3;
  return top === 0b11101 || top === 0b11110 || top === 0b11111;
}
