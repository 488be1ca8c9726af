import { describe, expect, it } from 'vitest';
import { fromHex, hexToSafeNumber, isHex, toHex } from '../../web/src/hex';
import { encodePattern, MAX_PATTERN_BYTES } from '../../web/src/pattern';

describe('encodePattern', () => {
  it('encodes hex in any of its usual spellings', () => {
    for (const hex of ['4d5a90', '4d 5a 90', '0x4d,0x5a,0x90', '4D 5A\t90']) {
      expect(encodePattern({ hex })).toEqual(new Uint8Array([0x4d, 0x5a, 0x90]));
    }
  });

  it('encodes ASCII one byte a character and UTF-16LE two', () => {
    expect(encodePattern({ ascii: 'MZ' })).toEqual(new Uint8Array([0x4d, 0x5a]));
    expect(encodePattern({ utf16: 'Aé' })).toEqual(new Uint8Array([0x41, 0x00, 0xe9, 0x00]));
    expect(encodePattern({ utf16: '\u{1F600}' })).toEqual(new Uint8Array([0x3d, 0xd8, 0x00, 0xde]));
  });

  it('passes bytes through', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(encodePattern({ bytes })).toBe(bytes);
  });

  it('refuses empty, malformed, non-ASCII and oversized patterns', () => {
    expect(() => encodePattern({ ascii: '' })).toThrow(/empty/);
    expect(() => encodePattern({ hex: '4d5' })).toThrow(/hex bytes/);
    expect(() => encodePattern({ hex: 'zz' })).toThrow(/hex bytes/);
    expect(() => encodePattern({ ascii: 'café' })).toThrow(/not ASCII.*U\+00e9/);
    expect(() => encodePattern({ bytes: new Uint8Array(MAX_PATTERN_BYTES + 1) })).toThrow(/longer/);
  });
});

describe('hex values', () => {
  it('round-trips 64-bit values exactly', () => {
    for (const v of [0n, 1n, 0xfffff80312345678n, (1n << 64n) - 1n]) expect(fromHex(toHex(v))).toBe(v);
    expect(toHex(0xfffff80312345678n)).toBe('0xfffff80312345678');
    expect(toHex(255)).toBe('0xff');
  });

  it('refuses values outside 64 bits and other spellings', () => {
    expect(() => toHex(-1n)).toThrow(RangeError);
    expect(() => toHex(1n << 64n)).toThrow(RangeError);
    for (const bad of ['', '0x', '12', '0x12345678901234567', '-0x1', '0xg']) expect(() => fromHex(bad)).toThrow(SyntaxError);
    expect(isHex('0xABC')).toBe(true);
  });

  it('turns offsets into numbers only while they are exact', () => {
    expect(hexToSafeNumber('0x1fffffffffffff')).toBe(2 ** 53 - 1);
    expect(hexToSafeNumber('0x20000000000000')).toBeNull();
  });
});
