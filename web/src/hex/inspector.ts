// SEAM (helper "hex tools" replaces the bodies): the data inspector at the hex view's cursor.
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

/** Decodes the bytes at the cursor (up to 64 of them; fewer near missing memory) as every inspector type. */
export function inspect(_bytes: Uint8Array, _options: InspectorOptions): InspectorRow[] {
  throw new Error('not implemented yet');
}

/** The inspector panel: a table of inspect()'s rows, an endianness toggle, and pointers that can be followed. */
export class DataInspector {
  readonly element: HTMLElement;
  constructor(_options: { pointerSize: 4 | 8; symbolize(address: bigint): string | null; onFollow(address: bigint): void }) {
    this.element = document.createElement('section');
  }
  /** Shows the bytes at the cursor at `address`; null: nothing readable there. */
  update(_bytes: Uint8Array | null, _address: bigint): void {}
}
