// SEAM (helper "hex tools" replaces the bodies): the selection as text for the clipboard.
export type CopyFormat = 'hex' | 'c-array' | 'base64';

/** `bytes` (read from `address`) as text: "4d 5a 90 00", a C array with the address in a comment, or base64. */
export function formatCopy(_bytes: Uint8Array, _format: CopyFormat, _address: bigint): string {
  throw new Error('not implemented yet');
}
