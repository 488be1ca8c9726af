// Wildcards and either-case search: the masks pattern.ts makes and the masked matcher the worker scans with,
// checked against a plain scan over random bytes.
import { describe, expect, it } from 'vitest';
import { encodeMaskedPattern } from '../../web/src/pattern';
import { previousMatchIndex } from '../../web/src/hex/search-logic';
import { MaskedMatcher } from '../../web/src/worker/masked-matcher';

function naive(hay: Uint8Array, bytes: Uint8Array, mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + bytes.length <= hay.length; ++i) {
    let ok = true;
    for (let j = 0; j < bytes.length && ok; ++j) ok = (hay[i + j]! & mask[j]!) === (bytes[j]! & mask[j]!);
    if (ok) out.push(i);
  }
  return out;
}

function scan(hay: Uint8Array, bytes: Uint8Array, mask: Uint8Array): number[] {
  const out: number[] = [];
  new MaskedMatcher(bytes, mask).scan(hay, (i) => (out.push(i), true));
  return out;
}

describe('encodeMaskedPattern', () => {
  it('takes ?? and ? as any byte in hex', () => {
    expect(encodeMaskedPattern({ hex: '4d 5a ?? 00' })).toEqual({ bytes: Uint8Array.from([0x4d, 0x5a, 0, 0]), mask: Uint8Array.from([0xff, 0xff, 0, 0xff]) });
    expect(encodeMaskedPattern({ hex: '4d5a?00' }).mask).toEqual(Uint8Array.from([0xff, 0xff, 0, 0xff]));
    expect(encodeMaskedPattern({ hex: '0x4d,0x5a' })).toEqual({ bytes: Uint8Array.from([0x4d, 0x5a]), mask: null });
    expect(() => encodeMaskedPattern({ hex: '?? ??' })).toThrow(/at least one byte that is not \?\?/);
    expect(() => encodeMaskedPattern({ hex: '4g' })).toThrow(/not a sequence of hex bytes/);
  });

  it('masks letters for either case, in ASCII and UTF-16LE', () => {
    expect(encodeMaskedPattern({ ascii: 'Ab1', ignoreCase: true }).mask).toEqual(Uint8Array.from([0xdf, 0xdf, 0xff]));
    expect(encodeMaskedPattern({ ascii: '123', ignoreCase: true }).mask).toBeNull();
    expect(encodeMaskedPattern({ ascii: 'Ab' }).mask).toBeNull();
    expect(encodeMaskedPattern({ utf16: 'a1', ignoreCase: true }).mask).toEqual(Uint8Array.from([0xdf, 0xff, 0xff, 0xff]));
  });
});

describe('MaskedMatcher', () => {
  it('finds what a plain masked scan finds, wildcards anywhere', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16;
    const hay = Uint8Array.from({ length: 20000 }, () => rand() & 3 ? 0x41 + (rand() % 4) : 0x61 + (rand() % 4));
    for (const hex of ['41 ?? 42', '?? 41', '41 ??', '41 42 43 44 ?? ?? 41', '43']) {
      const { bytes, mask } = encodeMaskedPattern({ hex });
      const m = mask ?? new Uint8Array(bytes.length).fill(0xff);
      expect(scan(hay, bytes, m), hex).toEqual(naive(hay, bytes, m));
    }
    const { bytes, mask } = encodeMaskedPattern({ ascii: 'abCA', ignoreCase: true });
    const found = scan(hay, bytes, mask!);
    expect(found.length).toBeGreaterThan(0);
    expect(found).toEqual(naive(hay, bytes, mask!));
  });

  it('does not take a masked letter for a non-letter', () => {
    const hay = Uint8Array.from([0x40, 0x60, 0x41, 0x61, 0x5b, 0x7b]);
    const { bytes, mask } = encodeMaskedPattern({ ascii: 'a', ignoreCase: true });
    expect(scan(hay, bytes, mask!)).toEqual([2, 3]);
  });
});

describe('previousMatchIndex', () => {
  it('steps back, wrapping to the last', () => {
    expect(previousMatchIndex(3, null)).toBe(2);
    expect(previousMatchIndex(3, 0)).toBe(2);
    expect(previousMatchIndex(3, 2)).toBe(1);
    expect(previousMatchIndex(0, null)).toBeNull();
  });
});
