// The data inspector at the hex view's cursor: the bytes there read as every type an analyst asks about. Each type is
// one row of DECODERS (a label and a decoder), so adding a type is adding a row.
import { capMiddle, visibleText } from '../views/safe-text';
import { MAX_SYMBOL } from '../viewer/symbol-names';
import { formatUtc } from '../format';
import { el } from '../views/dom';

export interface InspectorOptions {
  littleEndian: boolean;
  /** 4 or 8: how wide "pointer" is. */
  pointerSize: 4 | 8;
  /** "nt+0x1234" for an address inside a module, else null. */
  symbolize(address: bigint): string | null;
}

export interface InspectorRow {
  /** "u8", "i32", "f64", "pointer", "FILETIME", "GUID", "ASCII", "UTF-16", ... */
  label: string;
  /** The decoded value, or null when fewer bytes than the type needs are readable at the cursor. */
  value: string | null;
  /** For "pointer": the address it holds, so the view can follow it. */
  target?: bigint;
}

/** How many bytes at the cursor the inspector can use: a UTF-16 string of STRING_CHARS code units. Fewer is fine. */
export const INSPECTOR_BYTES = 128;

/** The longest ASCII or UTF-16 string shown, in characters. */
export const STRING_CHARS = 64;

interface Decoded {
  value: string;
  target?: bigint;
}

interface Decoder {
  label: string;
  /** The bytes the type needs (the minimum, for strings). */
  size(options: InspectorOptions): number;
  /** Called with at least size() bytes. */
  decode(view: DataView, options: InspectorOptions): Decoded;
}

const hex = (value: bigint | number, digits: number) => `0x${value.toString(16).padStart(digits, '0')}`;

/** An unsigned integer: decimal and hex. */
function unsigned(label: string, size: 1 | 2 | 4 | 8, read: (view: DataView, le: boolean) => number | bigint): Decoder {
  return {
    label,
    size: () => size,
    decode: (view, { littleEndian }) => {
      const v = read(view, littleEndian);
      return { value: `${v} (${hex(v, 2 * size)})` };
    },
  };
}

/** A signed integer: decimal. */
function signed(label: string, size: 1 | 2 | 4 | 8, read: (view: DataView, le: boolean) => number | bigint): Decoder {
  return { label, size: () => size, decode: (view, { littleEndian }) => ({ value: String(read(view, littleEndian)) }) };
}

/** A float: the shortest decimal that reads back as the same value (f32: as a 32-bit value, 9 significant digits). */
function float(label: string, size: 4 | 8): Decoder {
  return {
    label,
    size: () => size,
    decode: (view, { littleEndian }) => {
      const v = size === 4 ? view.getFloat32(0, littleEndian) : view.getFloat64(0, littleEndian);
      return { value: formatFloat(v, size) };
    },
  };
}

export function formatFloat(value: number, size: 4 | 8): string {
  if (!Number.isFinite(value)) return String(value);
  if (size === 8) return String(value);
  // The shortest of 1 to 9 significant digits that rounds back to the same f32 (0.1f is "0.1", not 0.100000001).
  for (let digits = 1; digits < 9; ++digits) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}

const pointer: Decoder = {
  label: 'pointer',
  size: (options) => options.pointerSize,
  decode: (view, options) => {
    const target = options.pointerSize === 8 ? view.getBigUint64(0, options.littleEndian) : BigInt(view.getUint32(0, options.littleEndian));
    const symbol = options.symbolize(target);
    const text = hex(target, 2 * options.pointerSize);
    // A symbol's name comes from a file: capped, so one long C++ name cannot widen the inspector.
    return { value: symbol ? `${text} (${capMiddle(symbol, MAX_SYMBOL)})` : text, target };
  },
};

/** 100 ns intervals from 1601-01-01 to 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n;
/** 10000-01-01T00:00:00Z in milliseconds after 1970: later FILETIMEs have no four-digit year. */
const YEAR_10000_MS = 253_402_300_800_000n;

/** "2024-03-01 12:34:56.789 UTC" (milliseconds, truncated), or null for 0 and values past the year 9999. */
export function formatFiletime(filetime: bigint): string | null {
  if (filetime === 0n) return null;
  const ms = (filetime - FILETIME_UNIX_EPOCH) / 10_000n - (filetime < FILETIME_UNIX_EPOCH && filetime % 10_000n !== 0n ? 1n : 0n);
  if (ms >= YEAR_10000_MS) return null;
  return formatUtc(new Date(Number(ms)).toISOString());
}

const filetime: Decoder = {
  label: 'FILETIME',
  size: () => 8,
  // A Windows structure: little-endian whatever the toggle says.
  decode: (view) => ({ value: formatFiletime(view.getBigUint64(0, true)) ?? 'not a time' }),
};

/** "{00112233-4455-6677-8899-AABBCCDDEEFF}": Data1, Data2, Data3 little-endian, Data4 as stored (StringFromGUID2). */
export function formatGuid(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const tail = [...bytes.subarray(8, 16)].map((b) => b.toString(16).padStart(2, '0'));
  const parts = [
    view.getUint32(0, true).toString(16).padStart(8, '0'),
    view.getUint16(4, true).toString(16).padStart(4, '0'),
    view.getUint16(6, true).toString(16).padStart(4, '0'),
    tail.slice(0, 2).join(''),
    tail.slice(2).join(''),
  ];
  return `{${parts.join('-')}}`.toUpperCase();
}

const guid: Decoder = {
  label: 'GUID',
  size: () => 16,
  decode: (view) => ({ value: formatGuid(new Uint8Array(view.buffer, view.byteOffset, 16)) }),
};

/** A string quoted as JSON does (so quotes, controls and lone surrogates show escaped), "…" when cut at the limit. */
const quoted = (text: string, cut: boolean) => JSON.stringify(text) + (cut ? '…' : '');

const ascii: Decoder = {
  label: 'ASCII',
  size: () => 1,
  decode: (view) => {
    let text = '';
    let at = 0;
    for (; at < view.byteLength && text.length < STRING_CHARS; ++at) {
      const b = view.getUint8(at);
      if (b < 0x20 || b > 0x7e) break;
      text += String.fromCharCode(b);
    }
    const cut = text.length === STRING_CHARS && at < view.byteLength && isPrintable(view.getUint8(at));
    return { value: quoted(text, cut) };
  },
};

const isPrintable = (b: number) => b >= 0x20 && b <= 0x7e;

const utf16: Decoder = {
  label: 'UTF-16',
  size: () => 2,
  // Windows' wide strings: little-endian code units whatever the toggle says, up to the NUL.
  decode: (view) => {
    let text = '';
    let at = 0;
    for (; at + 1 < view.byteLength && text.length < STRING_CHARS; at += 2) {
      const unit = view.getUint16(at, true);
      if (unit === 0) break;
      text += String.fromCharCode(unit);
    }
    const cut = text.length === STRING_CHARS && at + 1 < view.byteLength && view.getUint16(at, true) !== 0;
    return { value: quoted(text, cut) };
  },
};

/** Every row of the inspector, in the order shown. */
const DECODERS: readonly Decoder[] = [
  unsigned('u8', 1, (v) => v.getUint8(0)),
  signed('i8', 1, (v) => v.getInt8(0)),
  unsigned('u16', 2, (v, le) => v.getUint16(0, le)),
  signed('i16', 2, (v, le) => v.getInt16(0, le)),
  unsigned('u32', 4, (v, le) => v.getUint32(0, le)),
  signed('i32', 4, (v, le) => v.getInt32(0, le)),
  unsigned('u64', 8, (v, le) => v.getBigUint64(0, le)),
  signed('i64', 8, (v, le) => v.getBigInt64(0, le)),
  float('f32', 4),
  float('f64', 8),
  pointer,
  filetime,
  guid,
  ascii,
  utf16,
];

/** The labels of inspect()'s rows, in order. */
export const INSPECTOR_LABELS: readonly string[] = DECODERS.map((d) => d.label);

/** Decodes the bytes at the cursor (up to INSPECTOR_BYTES of them; fewer near missing memory) as every inspector
 *  type. Numbers and the pointer follow options.littleEndian; FILETIME, GUID and UTF-16 are Windows layouts, always
 *  little-endian. */
export function inspect(bytes: Uint8Array, options: InspectorOptions): InspectorRow[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return DECODERS.map((decoder) => {
    if (bytes.length < decoder.size(options)) return { label: decoder.label, value: null };
    const { value, target } = decoder.decode(view, options);
    return target === undefined ? { label: decoder.label, value } : { label: decoder.label, value, target };
  });
}

/** What a row shows when the bytes are not there. */
const MISSING = '—';

interface RowView {
  value: HTMLElement;
  follow?: HTMLButtonElement;
}

/** The inspector panel: a table of inspect()'s rows, an endianness toggle, and pointers that can be followed. The
 *  DOM is built once; update() only changes text, since it runs on every cursor move. */
export class DataInspector {
  readonly element: HTMLElement;
  private littleEndian = true;
  private bytes: Uint8Array | null = null;
  private target: bigint | null = null;
  private readonly where: HTMLElement;
  private readonly endianButton: HTMLButtonElement;
  private readonly rows = new Map<string, RowView>();

  constructor(private readonly options: {
    pointerSize: 4 | 8;
    symbolize(address: bigint): string | null;
    onFollow(address: bigint): void;
    /** Start big-endian (default little-endian, as Windows stores numbers). */
    bigEndian?: boolean;
  }) {
    this.littleEndian = !options.bigEndian;
    const heading = el('h3', { text: 'Data inspector', className: 'inspector-title' });
    heading.id = `inspector-title-${++inspectorCount}`;
    this.where = el('span', { className: 'inspector-where mono' });
    this.endianButton = el('button', { text: 'Big-endian', className: 'tool-button inspector-endian' });
    this.endianButton.type = 'button';
    this.endianButton.title = 'Read the numbers and the pointer big-endian';
    this.endianButton.addEventListener('click', () => this.setLittleEndian(!this.littleEndian));

    const body = el('tbody');
    for (const label of INSPECTOR_LABELS) {
      const header = el('th', { text: label });
      header.scope = 'row';
      const value = el('span', { className: 'inspector-value mono', text: MISSING });
      const cell = el('td', {}, [value]);
      const row: RowView = { value };
      if (label === 'pointer') {
        // The same text as a button that follows the pointer; the span stands in when there is nothing to follow.
        const follow = el('button', { className: 'tool-button inspector-follow mono' });
        follow.type = 'button';
        follow.hidden = true;
        follow.addEventListener('click', () => {
          if (this.target !== null) this.options.onFollow(this.target);
        });
        cell.append(follow);
        row.follow = follow;
      }
      body.append(el('tr', { data: { row: label } }, [header, cell]));
      this.rows.set(label, row);
    }
    const type = el('th', { text: 'Type' });
    const val = el('th', { text: 'Value' });
    type.scope = 'col';
    val.scope = 'col';
    const table = el('table', { className: 'inspector-table' }, [el('thead', {}, [el('tr', {}, [type, val])]), body]);

    this.element = el('section', { className: 'inspector' }, [
      el('div', { className: 'inspector-header' }, [heading, this.where, this.endianButton]),
      table,
    ]);
    this.element.setAttribute('aria-labelledby', heading.id);
    this.setLittleEndian(this.littleEndian);
  }

  /** Shows the bytes at the cursor at `address`; null: nothing readable there. */
  update(bytes: Uint8Array | null, address: bigint): void {
    this.bytes = bytes;
    this.where.textContent = `at 0x${address.toString(16)}${bytes === null || bytes.length === 0 ? ': not readable' : ''}`;
    this.render();
  }

  /** Shows the same bytes again (a pointer's name became known). */
  refresh(): void {
    this.render();
  }

  private setLittleEndian(littleEndian: boolean): void {
    this.littleEndian = littleEndian;
    this.endianButton.setAttribute('aria-pressed', String(!littleEndian));
    this.element.dataset.endian = littleEndian ? 'little' : 'big';
    this.render();
  }

  private render(): void {
    const rows = inspect(this.bytes ?? new Uint8Array(0), {
      littleEndian: this.littleEndian,
      pointerSize: this.options.pointerSize,
      symbolize: (address) => this.options.symbolize(address),
    });
    this.target = null;
    for (const row of rows) {
      const view = this.rows.get(row.label);
      if (!view) continue;
      const text = row.value ?? MISSING;
      if (view.follow) {
        const followable = row.target !== undefined;
        this.target = row.target ?? null;
        view.follow.hidden = !followable;
        view.value.hidden = followable;
        if (followable) {
          setText(view.follow, text);
          view.follow.title = `Go to ${text}`;
        }
      }
      setText(view.value, text);
    }
  }
}

let inspectorCount = 0;

/** Writes only when the text changes: cursor moves re-render every row. The strings read from memory are hostile:
 *  control and bidi characters show as escapes. */
function setText(node: HTMLElement, text: string): void {
  const safe = visibleText(text);
  if (node.textContent !== safe) node.textContent = safe;
}
