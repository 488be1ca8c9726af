// Plain-text formatting for the views: sizes, times. Pure functions, tested in tests/web.
import type { Hex } from './summary';

/** "1.5 MiB" */
export function formatBytes(size: number | bigint): string {
  const n = Number(size);
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    ++unit;
  }
  return unit === 0 ? `${n} bytes` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** A "0x..." size as "1.5 MiB (0x180000)". */
export function formatHexSize(size: Hex): string {
  return `${formatBytes(BigInt(size))} (${size})`;
}

/** "2024-03-01 12:34:56.789 UTC" from ISO 8601. */
export function formatUtc(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, ' UTC');
}

/** The same instant in the viewer's time zone. */
export function formatLocal(iso: string, locale?: string, timeZone?: string): string {
  return new Date(iso).toLocaleString(locale, { timeZone, timeZoneName: 'short', hour12: false });
}

/** "3 days 04:05:06" */
export function formatUptime(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86400);
  const rest = totalSeconds % 86400;
  const hms = [Math.floor(rest / 3600), Math.floor((rest % 3600) / 60), rest % 60]
    .map((v) => String(v).padStart(2, '0'))
    .join(':');
  return days === 0 ? hms : `${days} day${days === 1 ? '' : 's'} ${hms}`;
}
