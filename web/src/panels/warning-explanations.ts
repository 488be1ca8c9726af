// The summary's warnings in words for someone who has never read a dump: what the problem means for what they see.
// The technical message (with offsets and field names) stays next to it for whoever digs further.

const BY_CODE: Readonly<Record<string, string>> = {
  'file-truncated':
    'The file is shorter than Windows wrote it (an interrupted copy, or a disk that filled up while saving). What was at its end is missing, so some memory cannot be shown.',
  'pages-truncated': 'Some saved memory pages lie past the end of the file, so they cannot be read.',
  'no-context': 'The crashing processor\u2019s registers were not saved in this dump, so there are no registers to show.',
  'no-exception': 'No exception record was saved in this dump.',
  'no-virtual-memory':
    'The page tables needed to read virtual memory are missing, so the driver list and the stack cannot be read.',
  'user-modules-unavailable':
    'The program modules (DLLs) of the crashing process could not be listed; the kernel drivers are unaffected.',
  'crashing-processor-unknown':
    'kdmpview could not tell for sure which processor crashed, so the user modules shown may belong to another thread.',
  'crashing-processor-assumed':
    'kdmpview found the processors by scanning memory, but none had saved the crash\u2019s registers; the first processor found is shown as the one that crashed.',
  'crashing-thread-unknown':
    'kdmpview could not find which thread and process were running when the system crashed.',
  'offsets-contradicted':
    'This Windows build stores its process structures differently from what kdmpview\u2019s table says; the layout found in the dump itself was used instead.',
  'offset-discovery-failed':
    'kdmpview could not work out how this Windows build stores its processes, so the process list may be incomplete.',
  'process-offsets-unknown': 'kdmpview does not know how this Windows build stores its processes, so they are not listed.',
  'stack-unreadable': 'The crashing thread\u2019s stack is not in the dump, so it could not be scanned for return addresses.',
};

/** Families of codes that share one meaning, by prefix. */
const BY_PREFIX: readonly [string, string][] = [
  ['module-', 'The list of loaded drivers could not be read completely: some drivers may be missing from the Modules tab.'],
  ['process-', 'The list of processes could not be read completely: some processes may be missing from the Processes tab.'],
  ['thread-list-', 'The thread list of a process could not be read completely: some threads may be missing.'],
  ['triage-', 'Part of this minidump\u2019s saved data is damaged or missing; the rest was read.'],
  ['bitmap-', 'The dump\u2019s index of saved memory disagrees with itself; kdmpview used the part that is consistent.'],
  ['rdmp-', 'The dump\u2019s index of saved memory disagrees with itself; kdmpview used the part that is consistent.'],
  ['run-list-', 'The dump\u2019s index of saved memory disagrees with itself; kdmpview used the part that is consistent.'],
  ['offset', 'kdmpview could not tell where some fields of the kernel\u2019s process structures are, so the process list may be incomplete.'],
];

const FALLBACK = 'Something in this dump is not as expected; the rest of it was read.';

/** A sentence a non-expert understands for a warning code. */
export function explainWarning(code: string): string {
  return BY_CODE[code] ?? BY_PREFIX.find(([prefix]) => code.startsWith(prefix))?.[1] ?? FALLBACK;
}
