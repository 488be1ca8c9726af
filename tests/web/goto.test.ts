// The go-to box: numbers WinDbg's way, registers and modules of sample.dmp (from kdmp-parser --json), sums, moves from
// the cursor, and the messages of what it refuses.
import { describe, expect, it } from 'vitest';
import { parseGoto, parseNumber, symbolTerms, type GotoContext } from '../../web/src/hex/goto';
import type { Summary } from '../../web/src/summary';
import { ModuleMap } from '../../web/src/viewer/module-map';
import { cliSummary, fixture } from '../wasm/support';

const sample = cliSummary(fixture('sample.dmp')) as unknown as Summary;
const TWO_64 = 1n << 64n;

const context: GotoContext = {
  modules: new ModuleMap(sample.modules),
  registers: sample.context,
  cursor: 0xfffff80312340100n,
  limit: TWO_64,
};

function go(text: string, over: Partial<GotoContext> = {}): bigint | string {
  const result = parseGoto(text, { ...context, ...over });
  return result.ok ? result.address : result.message;
}

describe('parseGoto', () => {
  it('reads numbers: bare hex, 0x, a backtick, 0n and # decimal, 0t octal, 0y binary', () => {
    expect(go('fffff80312345678')).toBe(0xfffff80312345678n);
    expect(go('0xfffff80312345678')).toBe(0xfffff80312345678n);
    expect(go('0XFFFFF80312345678')).toBe(0xfffff80312345678n);
    expect(go('fffff803`12345678')).toBe(0xfffff80312345678n);
    expect(go('0xfffff803`12345678')).toBe(0xfffff80312345678n);
    expect(go('1000')).toBe(0x1000n);
    expect(go('0n4096')).toBe(4096n);
    expect(go('#4096')).toBe(4096n);
    expect(go('0t17')).toBe(15n);
    expect(go('0y1010')).toBe(10n);
    expect(go('  0x10  ')).toBe(0x10n);
    expect(go('ffffffffffffffff')).toBe(TWO_64 - 1n);
    expect(parseNumber('4096d')).toBe(0x4096dn);
    expect(parseNumber('0n12a')).toBeNull();
    expect(parseNumber('`1234')).toBeNull();
  });

  it('reads the crashing CPU\'s registers, with or without @', () => {
    expect(sample.context?.rip).toBe('0xfffff8031234abcd');
    expect(go('rip')).toBe(0xfffff8031234abcdn);
    expect(go('@rip')).toBe(0xfffff8031234abcdn);
    expect(go('RSP')).toBe(0xffffd0012345e8c0n);
    expect(go('@rsp+0x20')).toBe(0xffffd0012345e8e0n);
    expect(go('rip-8')).toBe(0xfffff8031234abc5n);
    expect(go('@rax - @rbx + 10')).toBe(0xffffc50a1e3f7010n - 0xffffc50a1b2c3080n + 0x10n);
  });

  it('reads ARM64 and x86 register names', () => {
    const registers = { x0: '0xffff800012340000', pc: '0xffff800011112222', eip: '0x82345678' } as const;
    expect(go('x0', { registers })).toBe(0xffff800012340000n);
    expect(go('@pc+4', { registers })).toBe(0xffff800011112226n);
    expect(go('eip', { registers })).toBe(0x82345678n);
  });

  it('reads modules by file or short name as their base, "nt" for the kernel', () => {
    expect(go('nt')).toBe(0xfffff80312800000n);
    expect(go('ntoskrnl.exe')).toBe(0xfffff80312800000n);
    expect(go('NTOSKRNL')).toBe(0xfffff80312800000n);
    expect(go('nt+0x1234')).toBe(0xfffff80312801234n);
    expect(go('baddrv.sys+abcd')).toBe(0xfffff8031234abcdn);
    expect(go('baddrv+0xabcd')).toBe(0xfffff8031234abcdn);
    expect(go('baddrv')).toBe(0xfffff80312340000n);
    expect(go('KERNEL32.DLL + 0n16')).toBe(0x7ffd5d4a0010n);
    expect(go('hal')).toBe(0xfffff80340e00000n);
  });

  it('reads module names that hold a "-"', () => {
    const modules = new ModuleMap([...sample.modules, {
      name: 'libcrypto-1_1-x64.dll', path: 'C:\\app\\libcrypto-1_1-x64.dll', base: '0x7ff700000000', size: '0x10000',
      checksum: '0x0', timestamp: '0x0', kind: 'user',
    }]);
    expect(go('libcrypto-1_1-x64.dll+0x10', { modules })).toBe(0x7ff700000010n);
    expect(go('libcrypto-1_1-x64', { modules })).toBe(0x7ff700000000n);
  });

  it('moves from the cursor when the text starts with + or -', () => {
    expect(go('+0x100')).toBe(0xfffff80312340200n);
    expect(go('-10')).toBe(0xfffff803123400f0n);
    expect(go('- 0n16')).toBe(0xfffff803123400f0n);
    expect(go('+0x100', { cursor: 0x40n, limit: 0x69000n })).toBe(0x140n);
  });

  it('takes a bare word that is both hex and a name as the number, as WinDbg does', () => {
    const modules = new ModuleMap([{ name: 'cdd.dll', path: '', base: '0xfffff80350000000', size: '0x1000', checksum: '0x0', timestamp: '0x0', kind: 'kernel' }]);
    expect(go('cdd', { modules })).toBe(0xcddn);
    expect(go('cdd.dll', { modules })).toBe(0xfffff80350000000n);
  });

  it('names the term it does not understand', () => {
    expect(go('foo')).toBe('"foo" is not a number, a register, a loaded module or module!function');
    expect(go('nt+foo')).toBe('"foo" is not a number, a register, a loaded module or module!function');
    expect(go('@foo')).toBe('"@foo" is not a register of this dump');
    expect(go('@rip', { registers: null })).toBe('"@rip": this dump has no registers');
    expect(go('rip', { registers: null })).toBe('"rip" is not a number, a register, a loaded module or module!function');
    expect(go('fffff803 12345678')).toBe('"fffff803 12345678" is not a number, a register, a loaded module or module!function');
    expect(go('10000000000000000')).toBe('"10000000000000000" is larger than 64 bits');
    expect(go('nt+')).toBe('a number, a register or a module is missing after "+"');
    expect(go('')).toBe('type an address, a register or a module name');
    expect(go('   ')).toBe('type an address, a register or a module name');
  });

  it('takes module!function terms resolved by the dump\'s symbols, with offsets', () => {
    expect(symbolTerms('nt!KeBugCheckEx')).toEqual(['nt!KeBugCheckEx']);
    expect(symbolTerms(' baddrv!Fault + 0x10 - nt!KeBugCheckEx+@rsp ')).toEqual(['baddrv!Fault', 'nt!KeBugCheckEx']);
    expect(symbolTerms('nt+0x10')).toEqual([]);
    const symbols = new Map([['nt!KeBugCheckEx', 0xfffff80312812340n], ['nt!Missing', null]]);
    expect(go('nt!KeBugCheckEx', { symbols })).toBe(0xfffff80312812340n);
    expect(go('nt!KeBugCheckEx+0x10', { symbols })).toBe(0xfffff80312812350n);
    expect(go('nt!KeBugCheckEx - 8', { symbols })).toBe(0xfffff80312812338n);
    expect(go('nt!Missing', { symbols })).toBe('"nt!Missing": no symbol of nt has that name (add its PDB, or the image if the dump lacks it)');
    expect(go('nosuch!Function', { symbols })).toBe('"nosuch!Function": "nosuch" is not a loaded module');
    // Without the dump's answer (no symbols map), the same words.
    expect(go('nt!KeBugCheckEx')).toBe('"nt!KeBugCheckEx": no symbol of nt has that name (add its PDB, or the image if the dump lacks it)');
  });

  it('refuses addresses outside the space and names its end', () => {
    // sample.dmp is 0x69000 bytes long.
    expect(sample.header.fileSize).toBe('0x69000');
    const file = { limit: 0x69000n, cursor: 0n };
    expect(go('68fff', file)).toBe(0x68fffn);
    expect(go('69000', file)).toBe('0x69000 is past the end of this space, which stops at 0x69000');
    expect(go('nt', file)).toBe('0xfffff80312800000 is past the end of this space, which stops at 0x69000');
    expect(go('-1', file)).toBe('"-1" comes to -0x1, before the start of the space');
    expect(go('ffffffffffffffff+1')).toBe('0x10000000000000000 is past the end of this space, which stops at 0x10000000000000000');
  });
});
