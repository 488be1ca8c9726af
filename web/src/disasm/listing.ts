// Instructions around an address, as WinDbg's `u` and `!analyze -v` show the faulting instruction: a few before it,
// the instruction itself, a few after. Going backwards is the hard part on x86, where instructions have any length:
// decoding from each possible start before the target, the first start whose instructions land exactly on the
// target (none invalid) gives the instructions before it; Thumb-2 (2 or 4 bytes) likewise, by halfwords. ARM64
// instructions are all 4 bytes.
import { type Disassembler, type Instruction, instructionAlignment } from './disassembler';

export interface ListingLine extends Instruction {
  /** The instruction at the target address (the faulting one, the call site, the cursor). */
  current: boolean;
}

export interface Listing {
  lines: ListingLine[];
  /** Whether an instruction starts at the target (false: the target is inside one, or past the bytes). */
  found: boolean;
}

/**
 * The instructions around `target`, decoded from `bytes` that start at `start`: up to `before` instructions before
 * it and `after` from it on (the target's own included). `markCall`: the target is a return address, and the
 * instruction ending there (the call) is the one marked.
 */
export function listingAround(disassembler: Disassembler, bytes: Uint8Array, start: bigint, target: bigint, before: number, after: number,
  options: { markCall?: boolean } = {}): Listing {
  const offset = target - start;
  if (offset < 0n || offset > BigInt(bytes.length) || (offset === BigInt(bytes.length) && !options.markCall)) return { lines: [], found: false };
  const at = Number(offset);
  const ahead = disassembler.decode(bytes.subarray(at), target, after);
  const behind = before > 0 ? instructionsBefore(disassembler, bytes, start, at, before) : [];
  if (options.markCall) {
    const call = behind[behind.length - 1];
    const lines: ListingLine[] = [
      ...behind.map((i) => ({ ...i, current: i === call })),
      ...ahead.map((i) => ({ ...i, current: false })),
    ];
    return { lines, found: call !== undefined && !call.invalid };
  }
  const lines: ListingLine[] = [
    ...behind.map((i) => ({ ...i, current: false })),
    ...ahead.map((i, n) => ({ ...i, current: n === 0 })),
  ];
  return { lines, found: ahead.length > 0 && !ahead[0]!.invalid };
}

/** The last `count` instructions that end exactly at offset `at` of `bytes`. */
function instructionsBefore(disassembler: Disassembler, bytes: Uint8Array, start: bigint, at: number, count: number): Instruction[] {
  if (disassembler.arch === 'arm64') {
    // Fixed 4-byte instructions: the `count` words (or fewer) right before the target.
    const from = Math.max(at % 4, at - count * 4);
    return lastEndingAt(disassembler.decode(bytes.subarray(from, at), start + BigInt(from), count), start + BigInt(at), count);
  }
  // x86 (any length) and Thumb-2 (2 or 4 bytes): the furthest start that falls in step with the target, so as many
  // instructions as possible are shown.
  const unit = instructionAlignment(disassembler.arch);
  for (let from = at % unit; from < at; from += unit) {
    const decoded = disassembler.decode(bytes.subarray(from, at), start + BigInt(from), at - from);
    const last = decoded[decoded.length - 1];
    if (!last || decoded.some((i) => i.invalid)) continue;
    if (last.address + BigInt(last.bytes.length) !== start + BigInt(at)) continue;
    return decoded.slice(-count);
  }
  return [];
}

function lastEndingAt(decoded: Instruction[], end: bigint, count: number): Instruction[] {
  const fits = decoded.filter((i) => i.address + BigInt(i.bytes.length) <= end);
  return fits.slice(-count);
}

/** "48 8b 04 c1": an instruction's bytes as a listing shows them. */
export function instructionBytes(instruction: Instruction): string {
  return Array.from(instruction.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Hex text ("488b04c1...", as analysis.code.bytes holds it) to bytes; null when it is not hex. */
export function bytesFromHex(hex: string): Uint8Array | null {
  const digits = hex.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) return null;
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
