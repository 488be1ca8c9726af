// What an exception record's parameters mean, for the exception codes that define them (ExceptionInformation in
// EXCEPTION_RECORD, as documented for each NTSTATUS).
import type { Hex } from '../summary';

const ACCESS_VIOLATION = 0xc0000005n;
const IN_PAGE_ERROR = 0xc0000006n;
const STACK_BUFFER_OVERRUN = 0xc0000409n;

/** Parameter 0 of an access violation or in-page error. */
function accessKind(value: bigint): string {
  switch (value) {
    case 0n: return 'read: the instruction tried to read the address in parameter 1';
    case 1n: return 'write: the instruction tried to write to the address in parameter 1';
    case 8n: return 'execute: the processor tried to run code at the address in parameter 1, which is not executable (DEP)';
    default: return `access type ${value} (0: read, 1: write, 8: execute)`;
  }
}

/** A meaning for each parameter, or null where the code does not define it. */
export function exceptionParameterMeanings(code: Hex, parameters: readonly Hex[]): (string | null)[] {
  const c = BigInt(code);
  return parameters.map((parameter, i) => {
    if (c === ACCESS_VIOLATION || c === IN_PAGE_ERROR) {
      if (i === 0) return accessKind(BigInt(parameter));
      if (i === 1) return c === ACCESS_VIOLATION ? 'the address that could not be accessed' : 'the address whose page could not be read from disk';
      if (i === 2 && c === IN_PAGE_ERROR) return 'the NTSTATUS of the failed disk read';
    }
    if (c === STACK_BUFFER_OVERRUN && i === 0) return 'fast-fail code: why the code stopped itself (2: stack cookie check failed, 3: corrupted list entry)';
    return null;
  });
}

const EXCEPTION_FLAGS: [mask: bigint, name: string][] = [
  [0x1n, 'EXCEPTION_NONCONTINUABLE'],
  [0x2n, 'EXCEPTION_UNWINDING'],
  [0x4n, 'EXCEPTION_EXIT_UNWIND'],
  [0x8n, 'EXCEPTION_STACK_INVALID'],
  [0x10n, 'EXCEPTION_NESTED_CALL'],
  [0x20n, 'EXCEPTION_TARGET_UNWIND'],
  [0x40n, 'EXCEPTION_COLLIDED_UNWIND'],
];

/** ExceptionFlags by name; bits without a name as "0x...". */
export function decodeExceptionFlags(flags: Hex): string[] {
  let rest = BigInt(flags);
  const names: string[] = [];
  for (const [mask, name] of EXCEPTION_FLAGS) {
    if (rest & mask) names.push(name);
    rest &= ~mask;
  }
  if (rest !== 0n) names.push(`0x${rest.toString(16)}`);
  return names;
}

/** Addresses this low are never mapped: an access there is a NULL pointer plus a field offset. */
const NULL_PAGE_LIMIT = 0x10000n;

/** One sentence for an access violation ("The instruction at X tried to read address 0x28, ..."), else null. */
export function describeAccessViolation(code: Hex, parameters: readonly Hex[], where: string): string | null {
  if (BigInt(code) !== ACCESS_VIOLATION || parameters.length < 2) return null;
  const verbs: Record<number, string> = { 0: 'read', 1: 'write to', 8: 'execute code at' };
  const verb = verbs[Number(BigInt(parameters[0]!))];
  if (!verb) return null;
  const target = BigInt(parameters[1]!);
  const hint = target < NULL_PAGE_LIMIT ? ': an address this low usually means a NULL pointer was used' : ', which was not accessible';
  return `The instruction at ${where} tried to ${verb} address ${parameters[1]}${hint}.`;
}

// Names of the NTSTATUS codes a bug check parameter most often carries (the rest come from the exception record).
const STATUS_NAMES: Record<string, string> = {
  '80000002': 'STATUS_DATATYPE_MISALIGNMENT',
  '80000003': 'STATUS_BREAKPOINT',
  '80000004': 'STATUS_SINGLE_STEP',
  'c0000005': 'STATUS_ACCESS_VIOLATION',
  'c0000006': 'STATUS_IN_PAGE_ERROR',
  'c000001d': 'STATUS_ILLEGAL_INSTRUCTION',
  'c0000094': 'STATUS_INTEGER_DIVIDE_BY_ZERO',
  'c0000096': 'STATUS_PRIVILEGED_INSTRUCTION',
  'c00000fd': 'STATUS_STACK_OVERFLOW',
  'c0000409': 'STATUS_STACK_BUFFER_OVERRUN',
  'c0000420': 'STATUS_ASSERTION_FAILURE',
};

/** The NTSTATUS name of a value (its low 32 bits: a 64-bit parameter holds the code sign-extended), from the
 *  exception record when it has the same code, else from the common ones; null when unknown. */
export function statusName(value: Hex, exception: { code: Hex; name: string } | null): string | null {
  const low = (BigInt(value) & 0xffffffffn).toString(16);
  if (exception && (BigInt(exception.code) & 0xffffffffn).toString(16) === low && exception.name) return exception.name;
  return STATUS_NAMES[low] ?? null;
}
