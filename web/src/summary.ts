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
  /** The process whose thread the crashing processor was running, or null when unknown. */
  crashingProcess: CrashingProcess | null;
  /** The crashing processor and its thread, or null when unknown. */
  crashingThread: CrashingThread | null;
  /** Every process of PsActiveProcessHead (full and kernel dumps; empty for triage dumps), in list order. */
  processes: SummaryProcess[];
  /** Where each structure offset came from. */
  kernelOffsets: KernelOffsets;
  stack: SummaryStack;
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
  /** The PE image as read from the dump (or an image file): identity of its PDB, version resource, REPRO mark. */
  image?: ModuleImage;
  /** Where the module's names come from: its PDB, its exports (WinDbg's export symbols), or none. */
  symbols?: 'pdb' | 'exports' | 'none';
  /** Copied from image.version by parseSummary, for the table columns. */
  fileVersion?: string;
  companyName?: string;
  /** Copied from image.timeDateStampIsHash by parseSummary: the image's debug directory has a REPRO entry, so
   *  `timestamp` is a hash of the content, not a time. */
  reproducible?: boolean;
}

export interface CrashingProcess {
  /** EPROCESS.ImageFileName (at most 15 characters), '' when unknown. */
  name: string;
  pid: number | null;
  /** The EPROCESS. */
  address: Hex;
}

export interface CrashingThread {
  tid: number | null;
  /** The ETHREAD. */
  address: Hex;
  /** KPRCB.Number, else the processor's index in KiProcessorBlock. */
  cpu: number | null;
  irql: number | null;
  /** "bug check parameter 2" (0xA, 0xD1), "KPCR.Irql", or '' when the IRQL is unknown. */
  irqlSource: string;
  /** The KPRCB, or null in triage dumps (their copy's address is not in the file). */
  prcb: Hex | null;
  /** How the processor was found, e.g. "KiProcessorBlock[2] (saved context)". */
  how: string;
}

export interface SummaryThread {
  address: Hex;
  tid: number | null;
  /** KTHREAD_STATE (2 running, 5 waiting, ...) and its name, or null / ''. */
  state: number | null;
  stateName: string;
  startAddress: Hex | null;
  /** module!function+0xoff (or module+0xoff) when symbols or exports name it, else ''. */
  startSymbol: string;
  win32StartAddress: Hex | null;
  win32StartSymbol: string;
  teb: Hex | null;
}

export interface SummaryProcess {
  /** The EPROCESS. */
  address: Hex;
  pid: number | null;
  parentPid: number | null;
  name: string;
  /** The full image path when its pages are in the dump, else ''. */
  imagePath: string;
  /** ISO 8601 UTC, or null. */
  createTime: string | null;
  exitTime: string | null;
  sessionId: number | null;
  /** The process's page tables: open its address space in the hex view with this DTB. */
  directoryTableBase: Hex | null;
  /** The user-mode page tables when KVA shadowing is on. */
  userDirectoryTableBase: Hex | null;
  peb: Hex | null;
  wow64: boolean | null;
  /** EPROCESS.ActiveThreads. */
  activeThreads: number | null;
  threads: SummaryThread[];
  /** Its user modules (PEB loader list, and WoW64's 32-bit list), read in its own address space, sorted by base. */
  modules: SummaryProcessModule[];
  /** Why its modules are missing or incomplete (its PEB unreadable, a broken list). */
  moduleWarnings: SummaryWarning[];
}

export interface SummaryProcessModule {
  name: string;
  path: string;
  base: Hex;
  size: Hex;
  timestamp: Hex;
  /** "user", or "user32" for a WoW64 process's 32-bit list. */
  kind: string;
}

export interface KernelOffsets {
  /** The sources that answered, best first: "kdbg: ...", "table: Windows 10 2004-22H2 x64", "discovery: ...". */
  sources: string[];
  /** "EPROCESS.UniqueProcessId" at "0x440" from "table" ("pdb", "kdbg", "table" or "discovery"). */
  fields: { field: string; offset: Hex; source: string }[];
}

export interface ModuleImage {
  /** The image's header page was readable in the dump. */
  headerPresent: boolean;
  /** The image came from a symbol file (SYS/EXE/DLL) matched by TimeDateStamp/SizeOfImage instead. */
  fromFile: boolean;
  timeDateStampIsHash: boolean;
  /** The CodeView RSDS record: the PDB the image was linked with. */
  pdb: { name: string; guid: string; age: number } | null;
  version: {
    fileVersion: string;
    productVersion: string;
    companyName: string;
    fileDescription: string;
    productName: string;
  } | null;
}

export interface Culprit {
  module: string;
  base: Hex;
  address: Hex;
  offset: Hex;
  /** "symdrv!SymFaultingFunction+0x10", or module+offset when no symbol covers the address. */
  symbol?: string;
  reason: string;
}

export interface StackEntry {
  stackAddress: Hex;
  value: Hex;
  module: string;
  offset: Hex;
  /** As Culprit.symbol. */
  symbol?: string;
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
  for (const m of Array.isArray(s.modules) ? s.modules : []) {
    const version = m.image?.version;
    if (version?.fileVersion) m.fileVersion = version.fileVersion;
    if (version?.companyName) m.companyName = version.companyName;
    if (m.image?.timeDateStampIsHash) m.reproducible = true;
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
  failureBucket: string;
  code: { address: Hex; instruction: Hex; bytes: string } | null;
}
