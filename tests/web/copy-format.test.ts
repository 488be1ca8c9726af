// Copying a selection: hex lines, a C array with the address, base64 (against Node's encoder), WinDbg addresses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatAddress, formatAddressPlain, formatCopy, toBase64 } from '../../web/src/hex/copy-format';
import { fixture } from '../wasm/support';

const header = new Uint8Array(readFileSync(fixture('sample.dmp')).subarray(0, 40));

describe('formatCopy', () => {
  it('writes hex bytes, 16 a line', () => {
    expect(formatCopy(header.subarray(0, 8), 'hex', 0n)).toBe('50 41 47 45 44 55 36 34');  // "PAGEDU64"
    const text = formatCopy(header, 'hex', 0n);
    expect(text.split('\n')).toEqual([
      '50 41 47 45 44 55 36 34 ' + formatCopy(header.subarray(8, 16), 'hex', 0n),
      formatCopy(header.subarray(16, 32), 'hex', 0n),
      formatCopy(header.subarray(32, 40), 'hex', 0n),
    ]);
    expect(text.split('\n').map((l) => l.split(' ').length)).toEqual([16, 16, 8]);
    expect(formatCopy(Uint8Array.from([0x00, 0x0f, 0xff]), 'hex', 0n)).toBe('00 0f ff');
    expect(formatCopy(new Uint8Array(0), 'hex', 0n)).toBe('');
  });

  it('writes a C array, 12 a line, with the address and size in a comment', () => {
    const bytes = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
    expect(formatCopy(bytes, 'c-array', 0xfffff80312345678n)).toBe([
      '// 0xfffff80312345678, 20 bytes',
      'unsigned char data[20] = {',
      '    0x00, 0x0d, 0x1a, 0x27, 0x34, 0x41, 0x4e, 0x5b, 0x68, 0x75, 0x82, 0x8f,',
      '    0x9c, 0xa9, 0xb6, 0xc3, 0xd0, 0xdd, 0xea, 0xf7',
      '};',
    ].join('\n'));
    expect(formatCopy(Uint8Array.from([0x4d]), 'c-array', 0x1000n)).toBe('// 0x1000, 1 byte\nunsigned char data[1] = {\n    0x4d\n};');
    // Exactly one line: no trailing comma.
    expect(formatCopy(new Uint8Array(12), 'c-array', 0n).split('\n')[2]).toBe(`    ${Array(12).fill('0x00').join(', ')}`);
  });

  it('writes base64 as Node does, for every length of the last group', () => {
    for (let n = 0; n <= 7; ++n) {
      const bytes = header.subarray(0, n);
      expect(formatCopy(bytes, 'base64', 0n)).toBe(Buffer.from(bytes).toString('base64'));
    }
    expect(toBase64(Uint8Array.from([0xfb, 0xff, 0xbf]))).toBe('+/+/');
    const all = Uint8Array.from({ length: 256 * 3 + 1 }, (_, i) => (i * 7) & 0xff);
    expect(toBase64(all)).toBe(Buffer.from(all).toString('base64'));
  });

  it('copies 16 MiB, the largest selection, in each format', () => {
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i >>> 12;
    expect(formatCopy(big, 'base64', 0n)).toBe(Buffer.from(big).toString('base64'));
    const hex = formatCopy(big, 'hex', 0n);
    expect(hex.length).toBe(big.length * 3 - 1);
    expect(hex.slice(0, 11)).toBe('00 00 00 00');
    const c = formatCopy(big, 'c-array', 0n);
    expect(c.length).toBe(56 + 6 * big.length - 2 + 4 * Math.ceil(big.length / 12) + 3);
    expect(c.slice(0, 56)).toBe('// 0x0, 16777216 bytes\nunsigned char data[16777216] = {\n');
    expect(c.slice(-13)).toBe('0x00, 0x00\n};');
  });
});

describe('formatAddress', () => {
  it('writes 16 digits WinDbg\'s way, with a backtick', () => {
    expect(formatAddress(0xfffff80312345678n, 16)).toBe('fffff803`12345678');
    expect(formatAddress(0x1000n, 16)).toBe('00000000`00001000');
    expect(formatAddress(0x1000n, 8)).toBe('00001000');
    expect(formatAddress(0x82345678n, 8)).toBe('82345678');
    expect(formatAddressPlain(0xfffff80312345678n, 16)).toBe('fffff80312345678');
    expect(formatAddressPlain(0x1fn, 8)).toBe('0000001f');
    // Wider than asked: all the digits, no backtick in the wrong place.
    expect(formatAddress(0x123456789n, 8)).toBe('123456789');
  });
});
