// Search patterns as bytes: hex ("4d 5a 90"), ASCII text, or UTF-16LE text (Windows' wide strings).
export type PatternInput =
  | { bytes: Uint8Array }
  /** Hex byte pairs; spaces, commas and "0x" prefixes are ignored: "4d5a", "4d 5a", "0x4d,0x5a". */
  | { hex: string }
  /** Text of code points up to 0x7f, one byte each. */
  | { ascii: string }
  /** Text as UTF-16 little-endian code units, two bytes each. */
  | { utf16: string };

/** The longest pattern a search accepts. */
export const MAX_PATTERN_BYTES = 4096;

/** The pattern's bytes; throws a TypeError naming what is wrong (empty, bad hex digit, non-ASCII, too long). */
export function encodePattern(input: PatternInput): Uint8Array {
  let bytes: Uint8Array;
  if ('bytes' in input) {
    bytes = input.bytes;
  } else if ('hex' in input) {
    const digits = input.hex.replace(/0x/gi, '').replace(/[\s,]/g, '');
    if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) throw new TypeError(`"${input.hex}" is not a sequence of hex bytes`);
    bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; ++i) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  } else if ('ascii' in input) {
    const text = input.ascii;
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; ++i) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) throw new TypeError(`"${text}" is not ASCII (character ${i} is U+${c.toString(16).padStart(4, '0')})`);
      bytes[i] = c;
    }
  } else {
    const text = input.utf16;
    bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; ++i) {
      const c = text.charCodeAt(i);
      bytes[2 * i] = c & 0xff;
      bytes[2 * i + 1] = c >> 8;
    }
  }
  if (bytes.length === 0) throw new TypeError('the search pattern is empty');
  if (bytes.length > MAX_PATTERN_BYTES) throw new TypeError(`the search pattern is longer than ${MAX_PATTERN_BYTES} bytes`);
  return bytes;
}
