// What the go-to box understands: WinDbg's way of writing addresses (bare numbers are hex), registers, modules, and
// sums of them.
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
  /** "module!function" terms already resolved by the dump's symbols (symbolTerms() lists them); null: unknown. */
  symbols?: ReadonlyMap<string, bigint | null>;
}

export type GotoResult = { ok: true; address: bigint } | { ok: false; message: string };

const TWO_64 = 1n << 64n;

/** Number spellings, tried in order. Bare digits are hex, as in WinDbg; a backtick may split them ("fffff803`1234"). */
const NUMBERS: readonly { pattern: RegExp; radix: 'hex' | 10 | 8 | 2 }[] = [
  { pattern: /^0x([0-9a-f]+(?:`[0-9a-f]+)?)$/i, radix: 'hex' },
  { pattern: /^0n([0-9]+)$/i, radix: 10 },
  { pattern: /^#([0-9]+)$/, radix: 10 },
  { pattern: /^0t([0-7]+)$/i, radix: 8 },
  { pattern: /^0y([01]+)$/i, radix: 2 },
  { pattern: /^([0-9a-f]+(?:`[0-9a-f]+)?)$/i, radix: 'hex' },
];

/** The number `text` spells, or null when it is not a number. May be 2^64 or more: the caller says so. */
export function parseNumber(text: string): bigint | null {
  for (const { pattern, radix } of NUMBERS) {
    const digits = pattern.exec(text)?.[1];
    if (digits === undefined) continue;
    if (radix === 'hex') return BigInt(`0x${digits.replace('`', '')}`);
    let value = 0n;
    for (const d of digits) value = value * BigInt(radix) + BigInt(d);
    return value;
  }
  return null;
}

/** The "module!function" terms of a go-to text, which only the dump's symbols can resolve (asynchronously, before
 *  parseGoto): "nt!KeBugCheckEx+0x10" -> ["nt!KeBugCheckEx"]. */
export function symbolTerms(text: string): string[] {
  return [...new Set(text.split(/[+-]/).map((t) => t.trim()).filter((t) => t.includes('!') && !t.startsWith('@')))];
}

/**
 * Parses what the go-to box accepts:
 * - numbers: hex unless told otherwise, as in WinDbg ("fffff80312345678", "0x1234", "fffff803`12345678");
 *   decimal with "0n" or "#" ("0n4096", "#4096"); octal with "0t", binary with "0y". "4096d" is hex 0x4096d.
 * - the crashing CPU's registers, with or without "@" ("rip", "@rsp", "x0", "pc", "eip");
 * - loaded modules by file or short name, for their base ("nt", "ntoskrnl.exe", "baddrv.sys", "baddrv");
 * - functions by "module!function" when the dump's symbols name them (context.symbols: "nt!KeBugCheckEx");
 * - sums and differences of those ("nt+0x1234", "@rsp+0x20", "baddrv.sys+abcd", "rip-8"), spaces allowed;
 * - a move from the cursor when the text starts with + or - ("+0x100"; "-10" is 0x10 back).
 * A bare word that is both hex and a register or module name ("cdd") is the number, as in WinDbg: write "cdd.dll" or
 * "@name". The result must lie in [0, limit); a failure's message names the term or the limit at fault.
 */
export function parseGoto(text: string, context: GotoContext): GotoResult {
  const parts = text.split(/([+-])/);  // terms at even indexes, operators at odd ones
  if (parts.every((p) => p.trim() === '')) return fail('type an address, a register or a module name');

  const relative = parts.length > 1 && parts[0]!.trim() === '';
  let total = relative ? context.cursor : 0n;
  let sign = 1n;
  for (let i = relative ? 2 : 0; i < parts.length; i += 2) {
    if (i > 0) sign = parts[i - 1] === '-' ? -1n : 1n;
    const term = parts[i]!.trim();
    if (term === '') {
      return fail(i === 0 ? `"${parts[1]}" needs a number before it` : `a number, a register or a module is missing after "${parts[i - 1]}"`);
    }
    // Module names may hold "-" ("libcrypto-1_1-x64.dll"): the longest run of parts that names a module wins.
    let resolved: Resolved | null = null;
    for (let j = parts.length - 1; j > i && !resolved; j -= 2) {
      const module = context.modules.byName(parts.slice(i, j + 1).join('').trim());
      if (module) {
        resolved = { ok: true, value: BigInt(module.base) };
        i = j;
      }
    }
    resolved ??= resolveTerm(term, context);
    if (!resolved.ok) return resolved;
    total += sign * resolved.value;
  }

  const expression = text.trim();
  if (total < 0n) return fail(`"${expression}" comes to -0x${(-total).toString(16)}, before the start of the space`);
  if (total >= context.limit) {
    return fail(`0x${total.toString(16)} is past the end of this space, which stops at 0x${context.limit.toString(16)}`);
  }
  return { ok: true, address: total };
}

type Resolved = { ok: true; value: bigint } | { ok: false; message: string };

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** One term: "@reg", a number, a register, a module. */
function resolveTerm(term: string, context: GotoContext): Resolved {
  const registers = context.registers;
  if (term.startsWith('@')) {
    const value = registers?.[term.slice(1).toLowerCase()];
    if (value !== undefined) return { ok: true, value: BigInt(value) };
    return fail(registers ? `"${term}" is not a register of this dump` : `"${term}": this dump has no registers`);
  }
  if (term.includes('!')) {
    const address = context.symbols?.get(term);
    if (address !== undefined && address !== null) return { ok: true, value: address };
    const module = term.slice(0, term.indexOf('!'));
    if (!context.modules.byName(module)) return fail(`"${term}": "${module}" is not a loaded module`);
    return fail(`"${term}": no symbol of ${module} has that name (add its PDB, or the image if the dump lacks it)`);
  }
  const number = parseNumber(term);
  if (number !== null) return number < TWO_64 ? { ok: true, value: number } : fail(`"${term}" is larger than 64 bits`);
  const register = registers?.[term.toLowerCase()];
  if (register !== undefined) return { ok: true, value: BigInt(register) };
  const module = context.modules.byName(term);
  if (module) return { ok: true, value: BigInt(module.base) };
  return fail(`"${term}" is not a number, a register, a loaded module or module!function`);
}
