// Register grouping and flag decoding, with the registers of the system fixtures (x64, ARM64, x86).
import { describe, expect, it } from 'vitest';
import { architectureOf, codeAddress, decodeArmCpsr, decodeCpsr, decodeX86Flags, describeFlags, registerGroups } from '../../web/src/panels/registers';
import type { Summary } from '../../web/src/summary';
import { cliSummary, fixture } from '../wasm/support';

const contextOf = (name: string) => (cliSummary(fixture(name)) as unknown as Summary).context!;
const names = (groups: ReturnType<typeof registerGroups>) => groups.map((g) => [g.title, g.registers.map((r) => r.name)]);

describe('registerGroups', () => {
  it('orders x64 registers as a debugger does, every register placed once', () => {
    const context = contextOf('sample.dmp');
    expect(architectureOf(context)).toBe('x64');
    const groups = registerGroups(context);
    expect(names(groups)).toEqual([
      ['Instruction and stack', ['rip', 'rsp', 'rbp']],
      ['General purpose', ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15']],
      ['Flags', ['rflags']],
      ['Segments', ['cs', 'ds', 'es', 'fs', 'gs', 'ss']],
      ['Debug', ['dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7', 'debugcontrol', 'lastbranchtorip', 'lastbranchfromrip', 'lastexceptiontorip', 'lastexceptionfromrip']],
      ['Floating point', ['mxcsr']],
    ]);
    expect(groups[0]!.registers[0]).toEqual({ name: 'rip', value: '0xfffff8031234abcd' });
    expect(groups.flatMap((g) => g.registers).length).toBe(Object.keys(context).length);
  });

  it('orders ARM64 registers pc, sp, fp, lr, then x0..x28', () => {
    const context = contextOf('system-arm64.dmp');
    expect(architectureOf(context)).toBe('arm64');
    const groups = registerGroups(context);
    expect(names(groups)[0]).toEqual(['Instruction and stack', ['pc', 'sp', 'fp', 'lr']]);
    expect(groups[1]!.registers.map((r) => r.name)).toEqual(Array.from({ length: 29 }, (_, i) => `x${i}`));
    expect(names(groups).slice(2)).toEqual([['Flags', ['cpsr']], ['Floating point', ['fpcr', 'fpsr']]]);
  });

  it('orders 32-bit ARM registers pc, sp, r11, lr, then r0..r12, the CPSR, the FPSCR and d0..d31', () => {
    const context = contextOf('system-arm.dmp');
    expect(architectureOf(context)).toBe('arm');
    const groups = registerGroups(context);
    expect(names(groups)[0]).toEqual(['Instruction and stack', ['pc', 'sp', 'r11', 'lr']]);
    expect(groups[1]!.registers.map((r) => r.name)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r12']);
    expect(names(groups)[2]).toEqual(['Flags', ['cpsr']]);
    expect(groups[3]!.registers.map((r) => r.name)).toEqual(['fpscr', ...Array.from({ length: 32 }, (_, i) => `d${i}`)]);
    expect(groups).toHaveLength(4);
    expect(groups.flatMap((g) => g.registers).length).toBe(Object.keys(context).length);
    expect(describeFlags('cpsr', context['cpsr']!, 'arm')).toBe('C, Thumb state, supervisor mode');
    expect(decodeArmCpsr(0x600001d0n)).toEqual({ set: ['Z', 'C', 'A', 'I', 'F'], thumb: false, mode: 'user' });
    expect(codeAddress(0x9a101235n, 'arm')).toBe(0x9a101234n);
    expect(codeAddress(0x9a101235n, 'x86')).toBe(0x9a101235n);
  });

  it('orders x86 registers eip, esp, ebp, then eax..edi', () => {
    const context = contextOf('system-x86.dmp');
    expect(architectureOf(context)).toBe('x86');
    expect(names(registerGroups(context)).slice(0, 3)).toEqual([
      ['Instruction and stack', ['eip', 'esp', 'ebp']],
      ['General purpose', ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi']],
      ['Flags', ['eflags']],
    ]);
  });

  it('puts registers it does not know under Other, in their order', () => {
    expect(names(registerGroups({ rip: '0x1', zz: '0x2', aa: '0x3' }))).toEqual([['Instruction and stack', ['rip']], ['Other', ['zz', 'aa']]]);
    expect(names(registerGroups({ foo: '0x1' }))).toEqual([['Other', ['foo']]]);
  });
});

describe('flags', () => {
  it('decodes (R/E)FLAGS by name and as WinDbg prints them', () => {
    // 0x10282 in the sample: SF, IF, RF (bit 1 is always set).
    expect(decodeX86Flags(0x10282n)).toEqual({ set: ['SF', 'IF', 'RF'], iopl: 0, windbg: 'iopl=0 nv up ei ng nz na po nc' });
    expect(decodeX86Flags(0x3a55n)).toEqual({ set: ['CF', 'PF', 'AF', 'ZF', 'IF', 'OF'], iopl: 3, windbg: 'iopl=3 ov up ei pl zr ac pe cy' });
    expect(describeFlags('rflags', '0x10282')).toBe('SF IF RF (iopl=0 nv up ei ng nz na po nc)');
    expect(describeFlags('eflags', '0x2')).toBe('none set (iopl=0 nv up di pl nz na po nc)');
  });

  it('decodes the ARM64 CPSR: NZCV, masks and exception level', () => {
    // 0x60000005 in system-arm64.dmp: Z and C set, EL1 on SP_EL1.
    expect(decodeCpsr(0x60000005n)).toEqual({ set: ['Z', 'C'], mode: 'EL1h' });
    expect(decodeCpsr(0x800003c0n)).toEqual({ set: ['N', 'D', 'A', 'I', 'F'], mode: 'EL0t' });
    expect(decodeCpsr(0x10n).mode).toBe('AArch32');
    expect(describeFlags('cpsr', '0x60000005')).toBe('Z C, EL1h');
  });

  it('leaves other registers alone', () => {
    expect(describeFlags('rax', '0x10282')).toBeNull();
  });
});
