// A dump header field's bytes as text: integers in hex, the text fields as text, structures by their size. Windows
// fills the header with the bytes "PAGE" before writing it, so a field still holding them was never set.
import type { Hex } from '../summary';

const PAGE = [0x50, 0x41, 0x47, 0x45];

/** Fields holding ASCII text rather than a number. */
const TEXT_FIELDS = new Set(['Signature', 'ValidDump', 'Comment', 'VersionUser']);

/** True when every byte is the "PAGE" pattern Windows pre-fills the header with (at least 4 bytes). */
export function isPageFill(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  return bytes.every((b, i) => b === PAGE[i % 4]);
}

/** A little-endian unsigned integer of 1 to 8 bytes. */
export function readLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; --i) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/** Text up to the first NUL; bytes outside printable ASCII as \xNN so nothing from the file is hidden. */
export function asciiText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  let text = '';
  for (const b of end < 0 ? bytes : bytes.subarray(0, end)) {
    text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return text;
}

/** The value column of the header table. `bytes` is what the file holds at the field (shorter past its end). */
export function formatHeaderValue(name: string, size: number, bytes: Uint8Array): string {
  if (bytes.length < size) return bytes.length === 0 ? 'past the end of the file' : `cut by the end of the file (${bytes.length} of ${size} bytes)`;
  // The signature's own value is "PAGE"; anywhere else the pattern means "never written".
  if (name !== 'Signature' && isPageFill(bytes)) return 'not set (PAGE fill)';
  if (TEXT_FIELDS.has(name)) {
    const text = asciiText(bytes);
    return text === '' ? '(empty)' : text;
  }
  if (size === 1 || size === 2 || size === 4 || size === 8) return `0x${readLittleEndian(bytes).toString(16)}` satisfies Hex;
  return `(${size} bytes)`;
}
