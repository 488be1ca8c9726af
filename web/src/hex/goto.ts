// SEAM (helper "hex tools" replaces the bodies): what the go-to box understands.
import type { Hex } from '../summary';
import type { ModuleMap } from '../viewer/module-map';

export interface GotoContext {
  modules: ModuleMap;
  /** The crashing CPU's registers by lower-case name, or null. */
  registers: Record<string, Hex> | null;
  /** Where the cursor is, for relative moves ("+0x100", "-16"). */
  cursor: bigint;
  /** The top of the address space, exclusive (the file size, 2^64, ...). */
  limit: bigint;
}

export type GotoResult = { ok: true; address: bigint } | { ok: false; message: string };

/** Parses "0xfffff80312345678", "fffff803`12345678", "0n4096", "nt+0x1234", "baddrv.sys+abcd", "rip", "@rsp+0x20",
 *  "+0x100"; the message of a failure names what is wrong. */
export function parseGoto(_text: string, _context: GotoContext): GotoResult {
  throw new Error('not implemented yet');
}
