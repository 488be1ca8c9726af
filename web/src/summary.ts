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
  /** The crashing CPU's registers by lower-case name ("rax", "rip", ...; "x0", "pc", ...; "eax", "eip", ...). */
  context: Record<string, Hex> | null;
  exception: SummaryException | null;
  physicalMemory: { pages: number; ranges: { base: Hex; pages: number }[] };
  modules: SummaryModule[];
  culprit: Culprit | null;
  stack: { start: Hex; bytesRead: number; entries: StackEntry[] };
  /** The call stack from the dump's context, as WinDbg's `k`. */
  callStack?: CallStack;
  /** The call stack from the fault's own context, when the bug check points at one. */
  faultCallStack?: CallStack;
  /** The answer as `!analyze -v` gives it. */
  analysis?: CrashAnalysis;
  /** Triage dumps (DumpType 4) only. */
  triage?: SummaryTriage;
  warnings: SummaryWarning[];
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
  /** The image's version resource, when the symbols work read it from the dump (absent until then). */
  fileVersion?: string;
  companyName?: string;
  /** True when the image's debug directory has a REPRO entry: `timestamp` is then a hash of the content, not a time
   *  (absent until the symbols work reads the debug directory). */
  reproducible?: boolean;
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

export interface StackFrame {
  number: number;
  childSp: Hex;
  returnAddress: Hex;
  instructionPointer: Hex;
  /** "module!function+0xoff", "module+0xoff", or the bare address. */
  callSite: string;
  module: string | null;
  function: string | null;
  /** How the frame was found; "scan" frames are guesses. */
  found: 'context' | 'unwind' | 'trap-frame' | 'frame-chain' | 'scan';
  trapFrame: Hex | null;
}

export interface CallStack {
  frames: StackFrame[];
  stopReason: string;
  guessed: boolean;
}

export interface CrashAnalysis {
  bugcheckCode: Hex;
  bugcheckName: string;
  faultingIp: Hex | null;
  symbolName: string | null;
  moduleName: string | null;
  imageName: string | null;
  imageTimestamp: Hex | null;
  timestampIsHash: boolean;
  imageVersion: string | null;
  processName: string | null;
  thread: Hex | null;
  faultContextSource: string | null;
  failureBucket: string;
  code: { address: Hex; instruction: Hex; bytes: string } | null;
}
