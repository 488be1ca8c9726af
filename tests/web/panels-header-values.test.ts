// Header field values as the header tab shows them, from the bytes of the fixtures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asciiText, formatHeaderValue, isPageFill, readLittleEndian } from '../../web/src/panels/header-values';
import { fixture } from '../wasm/support';

const sample = readFileSync(fixture('sample.dmp'));
const truncated = readFileSync(fixture('full-truncated.dmp'));
const at = (file: Uint8Array, offset: number, size: number) => file.subarray(offset, offset + size);

describe('formatHeaderValue', () => {
  it('shows integers of 1, 2, 4 and 8 bytes in hex', () => {
    expect(formatHeaderValue('BugCheckCode', 4, at(sample, 0x38, 4))).toBe('0xd1');
    expect(formatHeaderValue('BugCheckParameter4', 8, at(sample, 0x58, 8))).toBe('0xfffff8031234abcd');
    expect(formatHeaderValue('DirectoryTableBase', 8, at(sample, 0x10, 8))).toBe('0x100002');
    expect(formatHeaderValue('MinorVersion', 4, at(sample, 0xc, 4))).toBe('0x4a61'); // 19041
    expect(formatHeaderValue('DumpType', 4, at(sample, 0xf98, 4))).toBe('0x1');
    expect(formatHeaderValue('X', 2, new Uint8Array([0x34, 0x12]))).toBe('0x1234');
    expect(formatHeaderValue('X', 1, new Uint8Array([0x0]))).toBe('0x0');
  });

  it('shows the text fields as text', () => {
    expect(formatHeaderValue('Signature', 4, at(sample, 0, 4))).toBe('PAGE');
    expect(formatHeaderValue('ValidDump', 4, at(sample, 4, 4))).toBe('DU64');
    expect(formatHeaderValue('Comment', 128, at(sample, 0xfb0, 128))).toBe('kdmpview sample dump');
  });

  it('shows structures by their size', () => {
    expect(formatHeaderValue('ContextRecord', 3000, at(sample, 0x348, 3000))).toBe('(3000 bytes)');
    expect(formatHeaderValue('Exception', 0x98, at(sample, 0xf00, 0x98))).toBe('(152 bytes)');
  });

  it('says "not set" for a PAGE-filled field, but not for the signature', () => {
    // full-truncated.dmp's context and exception records were never written.
    expect(formatHeaderValue('ContextRecord', 3000, at(truncated, 0x348, 3000))).toBe('not set (PAGE fill)');
    expect(formatHeaderValue('Exception', 0x98, at(truncated, 0xf00, 0x98))).toBe('not set (PAGE fill)');
    expect(formatHeaderValue('BugCheckParameter1', 8, new TextEncoder().encode('PAGEPAGE'))).toBe('not set (PAGE fill)');
    expect(formatHeaderValue('Signature', 4, new TextEncoder().encode('PAGE'))).toBe('PAGE');
  });

  it('says where the file ends', () => {
    expect(formatHeaderValue('SystemTime', 8, new Uint8Array(0))).toBe('past the end of the file');
    expect(formatHeaderValue('SystemTime', 8, new Uint8Array(3))).toBe('cut by the end of the file (3 of 8 bytes)');
  });
});

describe('the byte helpers', () => {
  it('detects the PAGE pattern at any length from 4 bytes', () => {
    expect(isPageFill(new TextEncoder().encode('PAGEPAGEPA'))).toBe(true);
    expect(isPageFill(new TextEncoder().encode('PAG'))).toBe(false);
    expect(isPageFill(new TextEncoder().encode('PAGEPAGX'))).toBe(false);
    expect(isPageFill(at(sample, 0x348, 3000))).toBe(false);
  });

  it('reads little-endian integers up to 64 bits', () => {
    expect(readLittleEndian(new Uint8Array([0xcd, 0xab, 0x34, 0x12, 0x03, 0xf8, 0xff, 0xff]))).toBe(0xfffff8031234abcdn);
    expect(readLittleEndian(new Uint8Array([]))).toBe(0n);
  });

  it('escapes bytes outside printable ASCII and stops at NUL', () => {
    expect(asciiText(new Uint8Array([0x41, 0x0a, 0xff, 0x42, 0, 0x43]))).toBe('A\\x0a\\xffB');
    expect(asciiText(new Uint8Array(32))).toBe('');
  });
});
