import { describe, expect, it } from 'vitest';
import { formatBytes, formatHexSize, formatLocal, formatUptime, formatUtc } from '../../web/src/format';

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
