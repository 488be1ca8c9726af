// How the hex view spells addresses, bytes and sizes. Tables are built once: a render looks bytes up, it never
// formats them.

/** "00" .. "ff" */
export const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** The ASCII column: printable ASCII as itself, everything else a dot. */
export const BYTE_CHAR: readonly string[] = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/** The address column: `digits` hex digits, with WinDbg's backtick between the halves of a 16-digit address
 *  ("fffff803`12340000"). */
export function formatRowAddress(address: bigint, digits: number): string {
  const text = address.toString(16).padStart(digits, '0');
  return digits === 16 ? `${text.slice(0, 8)}\`${text.slice(8)}` : text;
}

/** "0x1f": the spelling of the status line and of copied addresses. */
export function hexAddress(address: bigint): string {
  return `0x${address.toString(16)}`;
}

/** "4 KiB", "2 MiB", "1 GiB", "300 bytes": sizes that are whole units stay whole. */
export function exactSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}
