// Search patterns as bytes: hex ("4d 5a 90", with "??" for any byte), ASCII text (optionally either case), or
// UTF-16LE text (Windows' wide strings, optionally either case). A pattern may carry a mask: a byte matches when
// (byte & mask) == (pattern & mask), so mask 0 is a wildcard and 0xdf on a letter matches both cases (upper and
// lower case ASCII letters differ only in bit 0x20, and no other byte shares a letter's masked value).
export type PatternInput =
  /** Raw bytes; `mask` (same length) as above. */
  | { bytes: Uint8Array; mask?: Uint8Array }
  /** Hex byte pairs; spaces, commas and "0x" prefixes are ignored: "4d5a", "4d 5a", "0x4d,0x5a"; "??" (or "?") is
   *  any byte: "4d 5a ?? 00". */
  | { hex: string }
  /** Text of code points up to 0x7f, one byte each. */
  | { ascii: string; ignoreCase?: boolean }
  /** Text as UTF-16 little-endian code units, two bytes each. */
  | { utf16: string; ignoreCase?: boolean };

/** The longest pattern a search accepts. */
export const MAX_PATTERN_BYTES = 4096;

/** Bytes and, when some byte is not compared whole, the mask. */
export interface EncodedPattern {
  bytes: Uint8Array;
  mask: Uint8Array | null;
}

const CASE_MASK = 0xdf;
const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** The pattern's bytes and mask; throws a TypeError naming what is wrong (empty, bad hex digit, non-ASCII, too long,
 *  only wildcards). */
export function encodeMaskedPattern(input: PatternInput): EncodedPattern {
  let bytes: Uint8Array;
  let mask: Uint8Array | null = null;
  if ('bytes' in input) {
    bytes = input.bytes;
    mask = input.mask ?? null;
    if (mask && mask.length !== bytes.length) throw new TypeError('the search mask must be as long as the pattern');
  } else if ('hex' in input) {
    // Tokens: "??" or "?" (any byte), or hex digits in pairs ("4d5a" is two bytes).
    const tokens = input.hex.replace(/0x/gi, ' ').split(/[\s,]+/).filter(Boolean).flatMap((t) => t.match(/\?\?|\?|[^?]+/g) ?? []);
    const values: number[] = [];
    const masks: number[] = [];
    for (const token of tokens) {
      if (token === '??' || token === '?') {
        values.push(0);
        masks.push(0);
        continue;
      }
      if (!/^(?:[0-9a-f]{2})+$/i.test(token)) throw new TypeError(`"${input.hex}" is not a sequence of hex bytes (and ?? for any byte)`);
      for (let i = 0; i < token.length; i += 2) {
        values.push(parseInt(token.slice(i, i + 2), 16));
        masks.push(0xff);
      }
    }
    bytes = Uint8Array.from(values);
    if (masks.some((m) => m !== 0xff)) mask = Uint8Array.from(masks);
  } else if ('ascii' in input) {
    const text = input.ascii;
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; ++i) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) throw new TypeError(`"${text}" is not ASCII (character ${i} is U+${c.toString(16).padStart(4, '0')})`);
      bytes[i] = c;
    }
    if (input.ignoreCase && bytes.some(isLetter)) mask = bytes.map((c) => (isLetter(c) ? CASE_MASK : 0xff));
  } else {
    const text = input.utf16;
    bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; ++i) {
      const c = text.charCodeAt(i);
      bytes[2 * i] = c & 0xff;
      bytes[2 * i + 1] = c >> 8;
    }
    if (input.ignoreCase && [...text].some((ch) => isLetter(ch.charCodeAt(0)))) {
      mask = new Uint8Array(bytes.length).fill(0xff);
      for (let i = 0; i < text.length; ++i) if (isLetter(text.charCodeAt(i))) mask[2 * i] = CASE_MASK;
    }
  }
  if (bytes.length === 0) throw new TypeError('the search pattern is empty');
  if (bytes.length > MAX_PATTERN_BYTES) throw new TypeError(`the search pattern is longer than ${MAX_PATTERN_BYTES} bytes`);
  if (mask && mask.every((m) => m === 0)) throw new TypeError('the search pattern needs at least one byte that is not ??');
  if (mask && mask.every((m) => m === 0xff)) mask = null;
  return { bytes, mask };
}

/** The pattern's bytes (a wildcard as 0; see encodeMaskedPattern for the mask). */
export function encodePattern(input: PatternInput): Uint8Array {
  return encodeMaskedPattern(input).bytes;
}
