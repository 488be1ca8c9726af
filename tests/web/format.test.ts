import { describe, expect, it } from 'vitest';
import { formatBytes, formatHexSize, formatLocal, formatUptime, formatUtc, hexDumpLines } from '../../web/src/format';

describe('hexDumpLines', () => {
  it('prints offset, 16 bytes in two groups and ASCII', () => {
    const bytes = new TextEncoder().encode('PAGEDU64\x00\x01\x02\x7fABCD');
    expect(hexDumpLines(bytes)).toEqual([
      '00000000  50 41 47 45 44 55 36 34  00 01 02 7f 41 42 43 44  |PAGEDU64....ABCD|',
    ]);
  });

  it('pads a short last line and starts at the given offset', () => {
    const lines = hexDumpLines(new Uint8Array(20).fill(0x41), 0x1000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`00001010  41 41 41 41 ${'   '.repeat(12)}  |AAAA|`);
    expect(lines[0]!.length).toBe(lines[1]!.length + 12);
  });

  it('widens the offset column past 4 GiB', () => {
    expect(hexDumpLines(new Uint8Array(1), 0x1_0000_0000)[0]).toMatch(/^100000000  00/);
  });
});

describe('formatting', () => {
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(5n * 1024n ** 3n)).toBe('5.00 GiB');
    expect(formatHexSize('0x180000')).toBe('1.50 MiB (0x180000)');
  });

  it('formats times', () => {
    expect(formatUtc('2024-03-01T12:34:56.789Z')).toBe('2024-03-01 12:34:56.789 UTC');
    expect(formatLocal('2024-03-01T12:34:56.789Z', 'en-GB', 'Europe/Paris')).toContain('13:34:56');
  });

  it('formats uptime', () => {
    expect(formatUptime(0)).toBe('00:00:00');
    expect(formatUptime(86400 + 3661)).toBe('1 day 01:01:01');
    expect(formatUptime(3 * 86400 + 4 * 3600 + 5 * 60 + 6)).toBe('3 days 04:05:06');
  });
});
