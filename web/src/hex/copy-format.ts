// The selection as text for the clipboard, and addresses as WinDbg writes them. Selections reach 16 MiB, so every
// format is one pass over the bytes into a buffer of ASCII codes sized in advance.
export type CopyFormat = 'hex' | 'c-array' | 'base64';

/** What each format is called in menus and status lines ("Copied 16 bytes as a C array"). */
export const COPY_FORMAT_NAMES: Record<CopyFormat, string> = {
  'hex': 'hex bytes',
  'c-array': 'a C array',
  'base64': 'base64',
};

const HEX_PER_LINE = 16;
const C_PER_LINE = 12;

/** `bytes` (read from `address`) as text: "4d 5a 90 00" (16 a line), a C array with the address in a comment (12 a
 *  line), or base64 (one line, padded with "="). */
export function formatCopy(bytes: Uint8Array, format: CopyFormat, address: bigint): string {
  switch (format) {
    case 'hex':
      return hexLines(bytes);
    case 'c-array': {
      const count = `${bytes.length} byte${bytes.length === 1 ? '' : 's'}`;
      const body = cArrayBody(bytes);
      return `// 0x${address.toString(16)}, ${count}\nunsigned char data[${bytes.length}] = {\n${body}${body ? '\n' : ''}};`;
    }
    case 'base64':
      return toBase64(bytes);
  }
}

// The text is written as ASCII codes into one buffer and decoded once: a string per byte would cost 5 times more.
const DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const [SPACE, NEWLINE, COMMA, ZERO, X] = [' ', '\n', ',', '0', 'x'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number];

/** Every byte is ASCII, which latin1 (windows-1252) decodes as itself. */
const ascii = (codes: Uint8Array) => new TextDecoder('latin1').decode(codes);

/** "4d 5a 90 00 ...", 16 a line. */
function hexLines(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const out = new Uint8Array(3 * bytes.length - 1);
  let o = 0;
  for (let i = 0; i < bytes.length; ++i) {
    if (i > 0) out[o++] = i % HEX_PER_LINE === 0 ? NEWLINE : SPACE;
    const b = bytes[i]!;
    out[o++] = DIGITS[b >> 4]!;
    out[o++] = DIGITS[b & 15]!;
  }
  return ascii(out);
}

/** "    0x4d, 0x5a, ...,\n    0x00": 12 a line, indented, a comma after every byte but the last. */
function cArrayBody(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const lines = Math.ceil(bytes.length / C_PER_LINE);
  // "0xNN" a byte, ", " or ",\n" between bytes, 4 spaces a line.
  const out = new Uint8Array(4 * bytes.length + 2 * (bytes.length - 1) + 4 * lines);
  let o = 0;
  for (let i = 0; i < bytes.length; ++i) {
    if (i % C_PER_LINE === 0) {
      if (i > 0) {
        out[o++] = COMMA;
        out[o++] = NEWLINE;
      }
      out.fill(SPACE, o, o + 4);
      o += 4;
    } else {
      out[o++] = COMMA;
      out[o++] = SPACE;
    }
    const b = bytes[i]!;
    out[o++] = ZERO;
    out[o++] = X;
    out[o++] = DIGITS[b >> 4]!;
    out[o++] = DIGITS[b & 15]!;
  }
  return ascii(out);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_CODES = Uint8Array.from(BASE64, (c) => c.charCodeAt(0));
const PAD = '='.charCodeAt(0);

/** RFC 4648 base64 with padding, without line breaks: the output is built as ASCII bytes, then decoded once. */
export function toBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(4 * Math.ceil(bytes.length / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = BASE64_CODES[n >>> 18]!;
    out[o++] = BASE64_CODES[(n >>> 12) & 63]!;
    out[o++] = BASE64_CODES[(n >>> 6) & 63]!;
    out[o++] = BASE64_CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = BASE64_CODES[n >>> 18]!;
    out[o++] = BASE64_CODES[(n >>> 12) & 63]!;
    out[o++] = rest === 2 ? BASE64_CODES[(n >>> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  return ascii(out);
}

/** "fffff803`12345678" (WinDbg's spelling: 16 digits split by a backtick) or "0012f000" for width 8. Addresses wider
 *  than `width` digits are written in full. */
export function formatAddress(address: bigint, width: 8 | 16): string {
  const digits = formatAddressPlain(address, width);
  return width === 16 && digits.length === 16 ? `${digits.slice(0, 8)}\`${digits.slice(8)}` : digits;
}

/** "fffff80312345678": the address as `width` lowercase hex digits, zero-padded, no prefix. */
export function formatAddressPlain(address: bigint, width: 8 | 16): string {
  return address.toString(16).padStart(width, '0');
}
