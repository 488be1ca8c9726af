// Types for the summary document kdmp::summary_json writes (the same JSON as `kdmp-parser --json`).
// Every address and 64-bit value is a lowercase "0x..." string; counts and small numbers are JSON numbers.

/** Lowercase hex, "0x" first: addresses, 64-bit values, codes. */
export type Hex = `0x${string}`;

export interface Summary {
  tool: { name: string; version: string };
  /** The file name, when the producer knew it. */
  file?: string;
  header: SummaryHeader;
  bugcheck: Bugcheck;
  /** The dump header's CONTEXT, the crashing CPU at the bug check, by lower-case register name ("rax", "rip", ...;
   *  ARM64 "x0", "pc", ...; x86 "eax", "eip", ...; ARM "r0" ... "r12", "sp", "lr", "pc", "cpsr", "fpscr", "d0" ...). */
  context: Record<string, Hex> | null;
  /** The CPU at the fault, when the bug check points to it (a CONTEXT record, a trap frame); null otherwise. */
  faultingContext: FaultingContext | null;
  exception: SummaryException | null;
  physicalMemory: { pages: number; ranges: { base: Hex; pages: number }[] };
  modules: SummaryModule[];
  culprit: Culprit | null;
  stack: SummaryStack;
  /** Triage dumps (DumpType 4) only. */
  triage?: SummaryTriage;
  warnings: SummaryWarning[];
}

export interface FaultingContext {
  /** Where it comes from, e.g. "bug check 0x1000007E parameter 4 (context record)" or "... parameter 2 (trap frame)". */
  source: string;
  /** The virtual address the record was read from. */
  address: Hex;
  /** Registers by lower-case name, as in `context` (a trap frame keeps fewer). */
  registers: Record<string, Hex>;
}

export interface SummaryStack {
  /** The lowest saved stack address the scan starts from: the header context's stack pointer, or TopOfStack. */
  start: Hex;
  bytesRead: number;
  /** The faulting context's stack pointer: entries below it lie between the bug check and the fault. */
  faultingStackPointer: Hex | null;
  entries: StackEntry[];
}

export interface SummaryException {
  code: Hex;
  name: string;
  flags: Hex;
  address: Hex;
  parameters: Hex[];
  /** Where the record comes from: "header", or e.g. "bug check 0x1000007E parameter 3 (exception record)" when the
   *  header holds only Windows' breakpoint at KeBugCheckEx and the bug check names the real one. */
  source: string;
}

export interface SummaryModule {
  name: string;
  path: string;
  base: Hex;
  size: Hex;
  checksum: Hex;
  timestamp: Hex;
  /** kdmp::module_kind_name: "kernel", "user", ... */
  kind: string;
  /** What the image's PE headers in the dump (or the image file) say; absent from summaries of older versions. */
  image?: SummaryModuleImage;
  /** Where the module's symbols came from ("none", ...). */
  symbols?: string;
}

export interface SummaryModuleImage {
  headerPresent: boolean;
  fromFile: boolean;
  /** The debug directory has a REPRO entry: `timestamp` is a hash of the image's content, not a link time. */
  timeDateStampIsHash: boolean;
  pdb: { name: string; guid: string; age: number } | null;
  /** The version resource, when its pages are in the dump. */
  version: { fileVersion: string; productVersion: string; companyName: string; fileDescription: string; productName: string } | null;
}

export interface Culprit {
  module: string;
  base: Hex;
  address: Hex;
  offset: Hex;
  reason: string;
}

export interface StackEntry {
  stackAddress: Hex;
  value: Hex;
  module: string;
  offset: Hex;
  probableReturn: boolean;
}

export interface SummaryTriage {
  valid: boolean;
  driverCount: number;
  sizeOfDump: Hex;
  topOfStack: Hex;
  sizeOfCallStack: Hex;
  servicePackBuild: number;
  triageOptions: Hex;
  unloadedDrivers: { name: string; start: Hex; end: Hex }[];
  dataBlocks: { address: Hex; fileOffset: Hex; size: Hex }[];
  brokenDriver: string | null;
}

export interface SummaryHeader {
  /** "PAGEDU64" (64-bit) or "PAGEDUMP" (32-bit). */
  signature: string;
  is64: boolean;
  dumpType: number;
  dumpTypeName: string;
  machineImageType: Hex;
  machineName: string;
  numberProcessors: number;
  majorVersion: number;
  minorVersion: number;
  directoryTableBase: Hex;
  pfnDatabase: Hex;
  psLoadedModuleList: Hex;
  psActiveProcessHead: Hex;
  kdDebuggerDataBlock: Hex;
  /** ISO 8601 UTC with milliseconds, or null when the header holds no valid time. */
  systemTime: string | null;
  systemUpTimeSeconds: number;
  requiredDumpSpace: Hex;
  fileSize: Hex;
  comment: string;
  /** 32-bit dumps only. */
  paeEnabled?: boolean;
}

export interface Bugcheck {
  code: Hex;
  name: string;
  description: string;
  parameters: [Hex, Hex, Hex, Hex];
  /** What each parameter means for this bug check, when known. */
  parameterMeanings: [string | null, string | null, string | null, string | null];
}

export interface SummaryWarning {
  /** Stable kebab-case code, e.g. "file-truncated". */
  code: string;
  message: string;
}

/** Parses the summary JSON, checking the parts the viewer relies on so a schema change fails loudly here. */
export function parseSummary(json: string): Summary {
  const value: unknown = JSON.parse(json);
  const s = value as Summary;
  if (typeof value !== 'object' || value === null || typeof s.header !== 'object' || typeof s.bugcheck !== 'object' ||
      !Array.isArray(s.bugcheck.parameters) || !Array.isArray(s.warnings)) {
    throw new Error('the summary does not have the expected shape (header, bugcheck, warnings)');
  }
  return s;
}
