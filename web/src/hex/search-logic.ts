// The search bar's logic without the DOM: the pattern from the text box, the search from the cursor that wraps to the
// start of the space when nothing follows the cursor, "find next", and the status line. Tested in tests/web.
import type { DumpHandle, Progress, SearchSpace } from '../api/types';
import type { PatternInput } from '../pattern';

export type PatternKind = 'hex' | 'ascii' | 'utf16';

/** The kinds of the select, in order. */
export const PATTERN_KINDS: readonly { kind: PatternKind; label: string; placeholder: string }[] = [
  { kind: 'hex', label: 'Hex bytes', placeholder: '4d 5a ?? 00' },
  { kind: 'ascii', label: 'ASCII', placeholder: 'text' },
  { kind: 'utf16', label: 'UTF-16LE', placeholder: 'text' },
];

export function isPatternKind(value: string): value is PatternKind {
  return PATTERN_KINDS.some((k) => k.kind === value);
}

/** The text box's content as encodePattern()'s input. Text is taken as typed (spaces count); hex ignores spaces and
 *  takes ?? for any byte. `ignoreCase`: text matches ASCII letters in either case. */
export function patternInput(text: string, kind: PatternKind, ignoreCase = false): PatternInput {
  switch (kind) {
    case 'hex':
      return { hex: text };
    case 'ascii':
      return ignoreCase ? { ascii: text, ignoreCase } : { ascii: text };
    case 'utf16':
      return ignoreCase ? { utf16: text, ignoreCase } : { utf16: text };
  }
}

export interface WrapSearchRequest {
  space: SearchSpace;
  dtb?: bigint;
  /** The encoded pattern and its mask (encodeMaskedPattern). */
  pattern: Uint8Array;
  mask?: Uint8Array | null;
  /** The cursor: the search starts here. */
  from: bigint;
  /** Default the API's (1000). */
  maxResults?: number;
}

/** 'forward': from the cursor to the end of the space; 'wrapped': from the start of the space up to the cursor. */
export type SearchPhase = 'forward' | 'wrapped';

export interface WrapSearchOutcome {
  /** Ascending within the phase that found them. */
  matches: bigint[];
  /** The matches come from the second phase: nothing matched from the cursor to the end. */
  wrapped: boolean;
  truncated: boolean;
  cancelled: boolean;
  from: bigint;
}

export interface WrapSearch {
  results: Promise<WrapSearchOutcome>;
  cancel(): void;
}

const TWO_64 = 1n << 64n;

/**
 * Searches from `from` to the end of the space; when that finds nothing, from the start of the space up to `from`
 * (matches that start before `from` and run past it included). cancel() stops whichever phase runs.
 */
export function searchWithWrap(
  dump: Pick<DumpHandle, 'search'>,
  request: WrapSearchRequest,
  onProgress?: (phase: SearchPhase, progress: Progress) => void,
): WrapSearch {
  let cancelled = false;
  let cancelCurrent: () => void = () => {};
  const base = {
    space: request.space,
    pattern: request.mask ? { bytes: request.pattern, mask: request.mask } : { bytes: request.pattern },
    ...(request.dtb !== undefined ? { dtb: request.dtb } : {}),
    ...(request.maxResults !== undefined ? { maxResults: request.maxResults } : {}),
  };
  const run = async (): Promise<WrapSearchOutcome> => {
    const forward = dump.search({ ...base, start: request.from, onProgress: (p) => onProgress?.('forward', p) });
    cancelCurrent = forward.cancel;
    const first = await forward.results;
    const outcome = { matches: first.matches, wrapped: false, truncated: first.truncated, cancelled: first.cancelled, from: request.from };
    if (first.matches.length > 0 || first.cancelled || request.from === 0n) return outcome;
    if (cancelled) return { ...outcome, cancelled: true };
    const end = request.from + BigInt(request.pattern.length) - 1n;
    const wrapped = dump.search({ ...base, start: 0n, end: end < TWO_64 ? end : TWO_64, onProgress: (p) => onProgress?.('wrapped', p) });
    cancelCurrent = wrapped.cancel;
    const second = await wrapped.results;
    return { matches: second.matches, wrapped: true, truncated: second.truncated, cancelled: second.cancelled, from: request.from };
  };
  return {
    results: run(),
    cancel: () => {
      cancelled = true;
      cancelCurrent();
    },
  };
}

/** The match after `current` in a list of `count`, wrapping to the first; the first when none is current; null for
 *  an empty list. */
export function nextMatchIndex(count: number, current: number | null): number | null {
  if (count <= 0) return null;
  if (current === null || current < 0 || current >= count - 1) return 0;
  return current + 1;
}

/** The match before `current`, wrapping to the last; the last when none is current; null for an empty list. */
export function previousMatchIndex(count: number, current: number | null): number | null {
  if (count <= 0) return null;
  if (current === null || current <= 0 || current >= count) return count - 1;
  return current - 1;
}

/** "1 match", "3 matches". */
export function countMatches(count: number): string {
  return `${count} match${count === 1 ? '' : 'es'}`;
}

/** The status line once a search ended. */
export function describeOutcome(outcome: WrapSearchOutcome): string {
  const n = outcome.matches.length;
  const from = `0x${outcome.from.toString(16)}`;
  if (outcome.cancelled) return n === 0 ? 'cancelled: no match so far' : `cancelled: ${countMatches(n)} so far`;
  const found = outcome.truncated ? `the first ${countMatches(n)} (the search stops there)` : countMatches(n);
  if (n === 0) return 'no match';
  if (outcome.wrapped) return `no match after ${from}; wrapped to the start: ${found}`;
  return outcome.from === 0n ? found : `${found} from ${from}`;
}

/** 0 to 100, whole. */
export function progressPercent(progress: Progress): number {
  if (progress.total <= 0) return 100;
  return Math.max(0, Math.min(100, Math.floor((progress.done * 100) / progress.total)));
}
