// x86 and x64 through iced-x86 (MIT; Rust compiled to wasm). Its Masm formatter, set to spell sizes always and
// numbers as 0x..., prints what WinDbg's `u` prints ("mov rax, qword ptr [rcx+rax*8]").
import type * as Iced from 'iced-x86';
import type { CodeArch, Disassembler, Instruction } from './disassembler';

export type IcedModule = typeof Iced;

export function createIcedDisassembler(iced: IcedModule, arch: Extract<CodeArch, 'x86' | 'x64'>): Disassembler {
  const formatter = new iced.Formatter(iced.FormatterSyntax.Masm);
  formatter.memorySizeOptions = iced.MemorySizeOptions.Always;
  formatter.hexPrefix = '0x';
  formatter.hexSuffix = '';
  formatter.uppercaseHex = false;
  formatter.spaceAfterOperandSeparator = true;
  formatter.branchLeadingZeros = false;
  const bitness = arch === 'x64' ? 64 : 32;
  const { FlowControl } = iced;
  const branches = new Set<number>([FlowControl.Call, FlowControl.UnconditionalBranch, FlowControl.ConditionalBranch]);
  return {
    arch,
    decode(bytes, address, count) {
      const out: Instruction[] = [];
      if (bytes.length === 0 || count <= 0) return out;
      const decoder = new iced.Decoder(bitness, bytes, iced.DecoderOptions.None);
      try {
        decoder.ip = address;
        let offset = 0;
        while (decoder.canDecode && out.length < count) {
          const instruction = decoder.decode();
          try {
            const invalid = instruction.isInvalid;
            // An instruction cut off where the bytes end is not shown: the bytes after it are not known.
            if (invalid && decoder.lastError === iced.DecoderError.NoMoreBytes) break;
            const length = invalid ? 1 : instruction.length;
            const branchTarget = !invalid && branches.has(instruction.flowControl) ? nearTarget(instruction) : null;
            out.push({
              address: address + BigInt(offset),
              bytes: bytes.slice(offset, offset + length),
              mnemonic: invalid ? '(bad)' : formatter.formatMnemonic(instruction),
              operands: invalid ? '' : formatter.formatAllOperands(instruction),
              invalid,
              branchTarget,
            });
            offset += length;
            // After an invalid byte, start again at the next one.
            if (invalid) decoder.position = offset;
            decoder.ip = address + BigInt(offset);
          } finally {
            instruction.free();
          }
        }
      } finally {
        decoder.free();
      }
      return out;
    },
  };
}

/** A direct branch's target (call rel32, jmp, jcc); 0 means the operand is not a near branch. */
function nearTarget(instruction: Iced.Instruction): bigint | null {
  const target = instruction.nearBranchTarget;
  return target === 0n ? null : target;
}
