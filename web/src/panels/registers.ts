// The crashing CPU's registers in the order a debugger shows them, grouped by role, and the flags register decoded.
import type { Hex } from '../summary';

export type Architecture = 'x64' | 'arm64' | 'x86' | 'arm';

export interface RegisterGroup {
  title: string;
  /** Registers that point at code or data: shown with module+offset and a button to the memory. */
  pointers: boolean;
  registers: { name: string; value: Hex }[];
}

const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);
const DEBUG = ['dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7'];
const SEGMENTS = ['cs', 'ds', 'es', 'fs', 'gs', 'ss'];

type Layout = { title: string; pointers: boolean; names: string[] }[];

const LAYOUTS: Record<Architecture, Layout> = {
  x64: [
    { title: 'Instruction and stack', pointers: true, names: ['rip', 'rsp', 'rbp'] },
    { title: 'General purpose', pointers: true, names: ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', ...range('r', 8, 15)] },
    { title: 'Flags', pointers: false, names: ['rflags', 'eflags'] },
    { title: 'Segments', pointers: false, names: SEGMENTS },
    { title: 'Debug', pointers: true, names: [...DEBUG, 'debugcontrol', 'lastbranchtorip', 'lastbranchfromrip', 'lastexceptiontorip', 'lastexceptionfromrip'] },
    { title: 'Floating point', pointers: false, names: ['mxcsr'] },
  ],
  arm64: [
    { title: 'Instruction and stack', pointers: true, names: ['pc', 'sp', 'fp', 'lr'] },
    { title: 'General purpose', pointers: true, names: range('x', 0, 28) },
    { title: 'Flags', pointers: false, names: ['cpsr'] },
    { title: 'Floating point', pointers: false, names: ['fpcr', 'fpsr'] },
  ],
  x86: [
    { title: 'Instruction and stack', pointers: true, names: ['eip', 'esp', 'ebp'] },
    { title: 'General purpose', pointers: true, names: ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi'] },
    { title: 'Flags', pointers: false, names: ['eflags'] },
    { title: 'Segments', pointers: false, names: SEGMENTS },
    { title: 'Debug', pointers: true, names: DEBUG },
  ],
  arm: [
    { title: 'Instruction and stack', pointers: true, names: ['pc', 'sp', 'r11', 'lr'] },
    { title: 'General purpose', pointers: true, names: range('r', 0, 12).filter((name) => name !== 'r11') },
    { title: 'Flags', pointers: false, names: ['cpsr'] },
    { title: 'Floating point', pointers: false, names: ['fpscr', ...range('d', 0, 31)] },
  ],
};

/** Which CONTEXT layout the registers come from, by the name of the instruction pointer. */
export function architectureOf(context: Record<string, Hex>): Architecture | null {
  if ('rip' in context) return 'x64';
  if ('pc' in context) return 'r0' in context ? 'arm' : 'arm64';
  if ('eip' in context) return 'x86';
  return null;
}

/** The registers in canonical order by group; registers the layout does not name go last, under "Other". */
export function registerGroups(context: Record<string, Hex>): RegisterGroup[] {
  const architecture = architectureOf(context);
  const layout = architecture ? LAYOUTS[architecture] : [];
  const placed = new Set<string>();
  const groups: RegisterGroup[] = [];
  for (const { title, pointers, names } of layout) {
    const registers = names.flatMap((name) => {
      const value = context[name];
      if (value === undefined) return [];
      placed.add(name);
      return [{ name, value }];
    });
    if (registers.length > 0) groups.push({ title, pointers, registers });
  }
  const rest = Object.entries(context).filter(([name]) => !placed.has(name)).map(([name, value]) => ({ name, value }));
  if (rest.length > 0) groups.push({ title: 'Other', pointers: false, registers: rest });
  return groups;
}

const X86_FLAGS: [bit: number, name: string][] = [
  [0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF'], [8, 'TF'], [9, 'IF'], [10, 'DF'], [11, 'OF'],
  [14, 'NT'], [16, 'RF'], [17, 'VM'], [18, 'AC'], [19, 'VIF'], [20, 'VIP'], [21, 'ID'],
];

/** (R/E)FLAGS: the set flags by name, and WinDbg's line ("iopl=0 nv up ei ng nz na pe nc"). */
export function decodeX86Flags(value: bigint): { set: string[]; iopl: number; windbg: string } {
  const bit = (n: number) => ((value >> BigInt(n)) & 1n) === 1n;
  const set = X86_FLAGS.filter(([n]) => bit(n)).map(([, name]) => name);
  const iopl = Number((value >> 12n) & 3n);
  const windbg = [
    `iopl=${iopl}`,
    bit(11) ? 'ov' : 'nv',
    bit(10) ? 'dn' : 'up',
    bit(9) ? 'ei' : 'di',
    bit(7) ? 'ng' : 'pl',
    bit(6) ? 'zr' : 'nz',
    bit(4) ? 'ac' : 'na',
    bit(2) ? 'pe' : 'po',
    bit(0) ? 'cy' : 'nc',
  ].join(' ');
  return { set, iopl, windbg };
}

const CPSR_FLAGS: [bit: number, name: string][] = [
  [31, 'N'], [30, 'Z'], [29, 'C'], [28, 'V'], [21, 'SS'], [20, 'IL'], [9, 'D'], [8, 'A'], [7, 'I'], [6, 'F'],
];

/** ARM64 CPSR (the saved PSTATE): condition flags and interrupt masks set, and the mode ("EL1h", "EL0t", "AArch32"). */
export function decodeCpsr(value: bigint): { set: string[]; mode: string } {
  const set = CPSR_FLAGS.filter(([n]) => ((value >> BigInt(n)) & 1n) === 1n).map(([, name]) => name);
  const m = Number(value & 0x1fn);
  // M[4] set: the exception came from AArch32. Otherwise M[3:2] is the exception level, M[0] which stack (t: SP_EL0).
  const mode = m & 0x10 ? 'AArch32' : `EL${(m >> 2) & 3}${m & 1 ? 'h' : 't'}`;
  return { set, mode };
}

const ARM_MODES: Record<number, string> = {
  0x10: 'user', 0x11: 'FIQ', 0x12: 'IRQ', 0x13: 'supervisor', 0x16: 'monitor', 0x17: 'abort', 0x1a: 'hypervisor',
  0x1b: 'undefined', 0x1f: 'system',
};

/** 32-bit ARM CPSR: condition flags and masks set, the T bit (Thumb state) and the processor mode. */
export function decodeArmCpsr(value: bigint): { set: string[]; thumb: boolean; mode: string } {
  const bit = (n: number) => ((value >> BigInt(n)) & 1n) === 1n;
  const set = ([[31, 'N'], [30, 'Z'], [29, 'C'], [28, 'V'], [27, 'Q'], [9, 'E'], [8, 'A'], [7, 'I'], [6, 'F']] as const)
    .filter(([n]) => bit(n)).map(([, name]) => name);
  const m = Number(value & 0x1fn);
  return { set, thumb: bit(5), mode: ARM_MODES[m] ?? `mode 0x${m.toString(16)}` };
}

/** The code address a register holds: on 32-bit ARM an interworking address's bit 0 (Thumb) is not part of it. */
export function codeAddress(value: bigint, architecture: Architecture | null): bigint {
  return architecture === 'arm' ? value & ~1n : value;
}

/** One line for the flags register of any architecture: "SF IF RF (iopl=0 nv up ei ng nz na po nc)". */
export function describeFlags(name: string, value: Hex, architecture: Architecture | null = null): string | null {
  const v = BigInt(value);
  if (name === 'rflags' || name === 'eflags') {
    const { set, windbg } = decodeX86Flags(v);
    return `${set.length > 0 ? set.join(' ') : 'none set'} (${windbg})`;
  }
  if (name === 'cpsr' && architecture === 'arm') {
    const { set, thumb, mode } = decodeArmCpsr(v);
    return `${set.length > 0 ? set.join(' ') : 'no flags set'}, ${thumb ? 'Thumb' : 'ARM'} state, ${mode} mode`;
  }
  if (name === 'cpsr') {
    const { set, mode } = decodeCpsr(v);
    return `${set.length > 0 ? set.join(' ') : 'no flags set'}, ${mode}`;
  }
  return null;
}
