// 64-bit values as they travel: lowercase "0x..." strings (the summary JSON's spelling), bigint in the API.
import type { Hex } from './summary';

const HEX = /^0x[0-9a-f]{1,16}$/i;
const TWO_64 = 1n << 64n;

export function isHex(value: unknown): value is Hex {
  return typeof value === 'string' && HEX.test(value);
}

/** "0x1f" for 31n; throws RangeError outside 0 .. 2^64 - 1. */
export function toHex(value: bigint | number): Hex {
  const v = BigInt(value);
  if (v < 0n || v >= TWO_64) throw new RangeError(`${v} is not a 64-bit unsigned value`);
  return `0x${v.toString(16)}`;
}

/** 31n for "0x1f"; throws SyntaxError for anything but "0x" and 1 to 16 hex digits. */
export function fromHex(value: string): bigint {
  if (!isHex(value)) throw new SyntaxError(`${JSON.stringify(value)} is not a "0x..." 64-bit value`);
  return BigInt(value);
}

/** The number for a hex value that must stay exact (file offsets, sizes); null above 2^53. */
export function hexToSafeNumber(value: Hex): number | null {
  const v = fromHex(value);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
}
