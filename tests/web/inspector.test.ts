// The data inspector's decoders on known bytes: every row, both endiannesses, FILETIME and GUID layouts, strings, and
// input too short for a type. The DOM panel is exercised by the hex view's browser tests.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFiletime, formatFloat, formatGuid, inspect, INSPECTOR_LABELS, STRING_CHARS, type InspectorOptions, type InspectorRow } from '../../web/src/hex/inspector';
import type { Summary } from '../../web/src/summary';
import { ModuleMap } from '../../web/src/viewer/module-map';
import { cliSummary, fixture } from '../wasm/support';

const sample = cliSummary(fixture('sample.dmp')) as unknown as Summary;
const modules = new ModuleMap(sample.modules);

const LE: InspectorOptions = { littleEndian: true, pointerSize: 8, symbolize: (a) => modules.symbolize(a) };
const BE: InspectorOptions = { ...LE, littleEndian: false };

const asBytes = (bytes: number[] | Uint8Array) => (bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));

function rows(bytes: number[] | Uint8Array, options = LE): Record<string, InspectorRow> {
  return Object.fromEntries(inspect(asBytes(bytes), options).map((r) => [r.label, r]));
}

function values(bytes: number[] | Uint8Array, options = LE): Record<string, string | null> {
  return Object.fromEntries(inspect(asBytes(bytes), options).map((r) => [r.label, r.value]));
}

describe('inspect', () => {
  it('has one row per type, in order', () => {
    expect(INSPECTOR_LABELS).toEqual(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64', 'pointer', 'FILETIME', 'GUID', 'ASCII', 'UTF-16']);
    expect(inspect(new Uint8Array(16), LE).map((r) => r.label)).toEqual(INSPECTOR_LABELS);
  });

  it('reads the integers little-endian: unsigned in decimal and hex, signed in decimal', () => {
    const v = values([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(v.u8).toBe('254 (0xfe)');
    expect(v.i8).toBe('-2');
    expect(v.u16).toBe('65534 (0xfffe)');
    expect(v.i16).toBe('-2');
    expect(v.u32).toBe('4294967294 (0xfffffffe)');
    expect(v.i32).toBe('-2');
    expect(v.u64).toBe('18446744073709551614 (0xfffffffffffffffe)');
    expect(v.i64).toBe('-2');
  });

  it('reads the integers big-endian when told, zero-padding the hex', () => {
    const bytes = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
    const le = values(bytes);
    const be = values(bytes, BE);
    expect(le.u16).toBe('513 (0x0201)');
    expect(be.u16).toBe('258 (0x0102)');
    expect(le.u32).toBe('67305985 (0x04030201)');
    expect(be.u32).toBe('16909060 (0x01020304)');
    expect(le.u64).toBe('578437695752307201 (0x0807060504030201)');
    expect(be.u64).toBe('72623859790382856 (0x0102030405060708)');
    expect(be.i16).toBe('258');
    expect(values([0x80, 0x00, 0x00, 0x00], BE).i32).toBe('-2147483648');
    expect(values([0x00, 0x00, 0x00, 0x80]).i32).toBe('-2147483648');
    expect(values([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80]).i64).toBe('-9223372036854775808');
    expect(values([0x7f]).i8).toBe('127');
    expect(values([0x80]).i8).toBe('-128');
  });

  it('reads floats as the shortest decimal that gives the same value', () => {
    expect(values([0x00, 0x00, 0xc0, 0x3f]).f32).toBe('1.5');
    expect(values([0xcd, 0xcc, 0xcc, 0x3d]).f32).toBe('0.1');                                  // 0.1f
    expect(values([0x40, 0x49, 0x0f, 0xdb], BE).f32).toBe('3.1415927');                       // pi as f32
    expect(values([0xdb, 0x0f, 0x49, 0xc0]).f32).toBe('-3.1415927');
    expect(values([0x18, 0x2d, 0x44, 0x54, 0xfb, 0x21, 0x09, 0x40]).f64).toBe('3.141592653589793');
    expect(values([0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18], BE).f64).toBe('3.141592653589793');
    expect(values([0x00, 0x00, 0x80, 0xff]).f32).toBe('-Infinity');
    expect(values([0x00, 0x00, 0xc0, 0x7f]).f32).toBe('NaN');
    expect(formatFloat(Math.fround(16777217), 4)).toBe('16777216');
  });

  it('reads a pointer and names the module it points into', () => {
    // rip of sample.dmp: baddrv.sys+0xabcd
    const r = rows([0xcd, 0xab, 0x34, 0x12, 0x03, 0xf8, 0xff, 0xff]);
    expect(r.pointer).toEqual({ label: 'pointer', value: '0xfffff8031234abcd (baddrv.sys+0xabcd)', target: 0xfffff8031234abcdn });
    const kernel = rows([0x34, 0x12, 0x80, 0x12, 0x03, 0xf8, 0xff, 0xff]).pointer;
    expect(kernel?.value).toBe('0xfffff80312801234 (ntoskrnl.exe+0x1234)');
    expect(rows([0x10, 0, 0, 0, 0, 0, 0, 0]).pointer).toEqual({ label: 'pointer', value: '0x0000000000000010', target: 0x10n });
  });

  it('reads 4-byte pointers for 32-bit dumps', () => {
    const r = rows([0x78, 0x56, 0x34, 0x82], { ...LE, pointerSize: 4 });
    expect(r.pointer).toEqual({ label: 'pointer', value: '0x82345678', target: 0x82345678n });
    expect(rows([0x78, 0x56, 0x34], { ...LE, pointerSize: 4 }).pointer?.value).toBeNull();
  });

  it('reads a FILETIME: the crash time in sample.dmp\'s header', () => {
    expect(values([0x50, 0x3c, 0x50, 0xde, 0xd4, 0x6b, 0xda, 0x01]).FILETIME).toBe('2024-03-01 12:34:56.789 UTC');
    // The same bytes read from the file, at the header's SystemTime field.
    const file = readFileSync(fixture('sample.dmp'));
    expect(sample.header.systemTime).toBe('2024-03-01T12:34:56.789Z');
    expect(values(file.subarray(0xfa8, 0xfa8 + 8)).FILETIME).toBe('2024-03-01 12:34:56.789 UTC');
    // FILETIME is a Windows layout: the endianness toggle does not apply.
    expect(values([0x50, 0x3c, 0x50, 0xde, 0xd4, 0x6b, 0xda, 0x01], BE).FILETIME).toBe('2024-03-01 12:34:56.789 UTC');
  });

  it('says "not a time" for 0 and for FILETIMEs past the year 9999', () => {
    expect(values([0, 0, 0, 0, 0, 0, 0, 0]).FILETIME).toBe('not a time');
    expect(values([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).FILETIME).toBe('not a time');
    expect(formatFiletime(1n)).toBe('1601-01-01 00:00:00.000 UTC');
    expect(formatFiletime(116_444_736_000_000_000n)).toBe('1970-01-01 00:00:00.000 UTC');
    expect(formatFiletime(116_444_735_999_999_999n)).toBe('1969-12-31 23:59:59.999 UTC');
    // 9999-12-31 23:59:59.999 is the last; a millisecond later has a five-digit year.
    expect(formatFiletime(2_650_467_743_999_990_000n)).toBe('9999-12-31 23:59:59.999 UTC');
    expect(formatFiletime(2_650_467_744_000_000_000n)).toBeNull();
  });

  it('reads a GUID in Windows\' mixed-endian layout', () => {
    const bytes = [0x40, 0xfc, 0x29, 0x6b, 0x47, 0xca, 0x67, 0x10, 0xb3, 0x1d, 0x00, 0xdd, 0x01, 0x06, 0x62, 0xda];
    expect(values(bytes).GUID).toBe('{6B29FC40-CA47-1067-B31D-00DD010662DA}');
    expect(values(bytes, BE).GUID).toBe('{6B29FC40-CA47-1067-B31D-00DD010662DA}');
    // IID_IUnknown
    expect(formatGuid(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46]))).toBe('{00000000-0000-0000-C000-000000000046}');
    expect(values(bytes.slice(0, 15)).GUID).toBeNull();
  });

  it('reads the printable ASCII run from the cursor, quoted', () => {
    const enc = new TextEncoder();
    expect(values([...enc.encode('PAGEDU64'), 0, 0x41]).ASCII).toBe('"PAGEDU64"');
    expect(values([...enc.encode('say "hi"'), 0x0a]).ASCII).toBe('"say \\"hi\\""');
    expect(values([0x00, 0x41]).ASCII).toBe('""');
    expect(values([0x90, 0x41]).ASCII).toBe('""');
    // At most 64 characters; "…" when the run goes on.
    const long = enc.encode('A'.repeat(100));
    expect(values(long).ASCII).toBe(`"${'A'.repeat(STRING_CHARS)}"…`);
    expect(values(enc.encode('B'.repeat(64))).ASCII).toBe(`"${'B'.repeat(64)}"`);
  });

  it('reads a UTF-16LE string up to its NUL', () => {
    const utf16 = (text: string) => [...text].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]);
    expect(values([...utf16('\\SystemRoot\\ntoskrnl.exe'), 0, 0, ...utf16('junk')])['UTF-16']).toBe('"\\\\SystemRoot\\\\ntoskrnl.exe"');
    expect(values([...utf16('Käse€'), 0, 0])['UTF-16']).toBe('"Käse€"');
    expect(values([0, 0, 0x41, 0])['UTF-16']).toBe('""');
    // An odd last byte is not half a character.
    expect(values([0x41, 0x00, 0x42])['UTF-16']).toBe('"A"');
    expect(values(utf16('x'.repeat(70)))['UTF-16']).toBe(`"${'x'.repeat(64)}"…`);
    // Big-endian toggle: still Windows' little-endian wide strings.
    expect(values([0x41, 0x00, 0x42, 0x00], BE)['UTF-16']).toBe('"AB"');
  });

  it('gives null for every type longer than the bytes at the cursor', () => {
    expect(inspect(new Uint8Array(0), LE).every((r) => r.value === null)).toBe(true);
    const three = values([0x41, 0x42, 0x43]);
    expect(three).toMatchObject({ u8: '65 (0x41)', i8: '65', u16: '16961 (0x4241)', i16: '16961', u32: null, i32: null, u64: null, i64: null,
      f32: null, f64: null, pointer: null, FILETIME: null, GUID: null, ASCII: '"ABC"', 'UTF-16': '"䉁"' });
    expect(values([0x41]).u16).toBeNull();
    expect(values([0x41])['UTF-16']).toBeNull();
  });

  it('works on a view into a larger buffer', () => {
    const buffer = new Uint8Array([0xaa, 0xbb, 0x01, 0x00, 0x00, 0x00]);
    expect(values(buffer.subarray(2)).u32).toBe('1 (0x00000001)');
  });
});
