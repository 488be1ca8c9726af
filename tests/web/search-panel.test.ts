// The search bar's logic (search-logic.ts): the search from the cursor that wraps to the start, against a scripted
// dump and against sample.dmp; "find next"; the status line. The panel's DOM is exercised by the hex view's browser
// tests.
import { afterEach, describe, expect, it } from 'vitest';
import { openDumpInProcess } from '../../web/src/api/node';
import type { DumpHandle, SearchQuery, SearchResult, SearchTask } from '../../web/src/api/types';
import {
  countMatches, describeOutcome, nextMatchIndex, patternInput, progressPercent, searchWithWrap, type SearchPhase,
  type WrapSearchOutcome,
} from '../../web/src/hex/search-logic';
import { encodePattern } from '../../web/src/pattern';
import { readFileSync } from 'node:fs';
import { fixture, paths } from '../wasm/support';

const TWO_64 = 1n << 64n;
const ascii = (text: string) => encodePattern({ ascii: text });

/** Every offset of `needle` in the fixture at or after `from`, by Node's own Buffer.indexOf: the expected answer. */
function offsetsIn(name: string, needle: Buffer, from = 0): bigint[] {
  const bytes = readFileSync(fixture(name));
  const found: bigint[] = [];
  for (let at = bytes.indexOf(needle, from); at >= 0; at = bytes.indexOf(needle, at + 1)) found.push(BigInt(at));
  return found;
}

/** A dump whose search() answers from a script, one reply per call, and records the queries. */
function scripted(replies: Partial<SearchResult>[]) {
  const queries: SearchQuery[] = [];
  let cancels = 0;
  const dump: Pick<DumpHandle, 'search'> = {
    search(query): SearchTask {
      queries.push(query);
      const reply = replies[queries.length - 1] ?? {};
      query.onProgress?.({ done: 50, total: 100 });
      return {
        results: Promise.resolve({ matches: [], truncated: false, cancelled: false, scanned: 0, ...reply }),
        cancel: () => void ++cancels,
      };
    },
  };
  return { dump, queries, cancels: () => cancels };
}

describe('searchWithWrap', () => {
  it('searches from the cursor, and stops there when it finds something', async () => {
    const { dump, queries } = scripted([{ matches: [0x2000n, 0x3000n] }]);
    const outcome = await searchWithWrap(dump, { space: 'physical', pattern: ascii('MZ'), from: 0x1000n }).results;
    expect(outcome).toEqual({ matches: [0x2000n, 0x3000n], wrapped: false, truncated: false, cancelled: false, from: 0x1000n });
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({ space: 'physical', start: 0x1000n, pattern: { bytes: ascii('MZ') } });
    expect(queries[0]?.end).toBeUndefined();
  });

  it('wraps to the start when nothing follows the cursor, up to the cursor plus the pattern less one byte', async () => {
    const { dump, queries } = scripted([{}, { matches: [0x10n] }]);
    const phases: SearchPhase[] = [];
    const outcome = await searchWithWrap(dump, { space: 'virtual', dtb: 0x1aa000n, pattern: ascii('PAGE'), from: 0x1000n, maxResults: 5 },
      (phase) => phases.push(phase)).results;
    expect(outcome).toEqual({ matches: [0x10n], wrapped: true, truncated: false, cancelled: false, from: 0x1000n });
    expect(queries.map((q) => [q.start, q.end, q.dtb, q.maxResults])).toEqual([
      [0x1000n, undefined, 0x1aa000n, 5],
      [0n, 0x1003n, 0x1aa000n, 5],
    ]);
    expect(phases).toEqual(['forward', 'wrapped']);
  });

  it('does not wrap from 0, nor after a cancel, and caps the end at 2^64', async () => {
    const fromZero = scripted([{}]);
    expect((await searchWithWrap(fromZero.dump, { space: 'file', pattern: ascii('x'), from: 0n }).results).wrapped).toBe(false);
    expect(fromZero.queries).toHaveLength(1);

    const cancelled = scripted([{ cancelled: true }]);
    const outcome = await searchWithWrap(cancelled.dump, { space: 'file', pattern: ascii('x'), from: 0x10n }).results;
    expect(outcome).toMatchObject({ cancelled: true, wrapped: false });
    expect(cancelled.queries).toHaveLength(1);

    const top = scripted([{}, {}]);
    await searchWithWrap(top.dump, { space: 'virtual', pattern: ascii('abcd'), from: TWO_64 - 2n }).results;
    expect(top.queries[1]?.end).toBe(TWO_64);
  });

  it('cancel() stops the phase that runs, and a cancel during the first keeps the second from starting', async () => {
    const s = scripted([{}, {}]);
    const search = searchWithWrap(s.dump, { space: 'file', pattern: ascii('x'), from: 0x10n });
    search.cancel();
    const outcome = await search.results;
    expect(s.cancels()).toBe(1);
    expect(outcome.cancelled).toBe(true);
    expect(s.queries).toHaveLength(1);
  });

  it('passes a failed search on', async () => {
    const dump: Pick<DumpHandle, 'search'> = {
      search: () => ({ results: Promise.reject(new Error('the page tables are not in the dump')), cancel: () => {} }),
    };
    await expect(searchWithWrap(dump, { space: 'virtual', pattern: ascii('x'), from: 1n }).results).rejects.toThrow(/page tables/);
  });
});

describe('searchWithWrap on sample.dmp', () => {
  const handles: DumpHandle[] = [];
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.close();
  });
  const open = async () => {
    const dump = await openDumpInProcess(fixture('sample.dmp'), { wasmPath: paths.wasm });
    handles.push(dump);
    return dump;
  };

  it('finds "MZ" in the file from the cursor on', async () => {
    const dump = await open();
    const expected = offsetsIn('sample.dmp', Buffer.from('MZ'), 0x2d000);
    expect(expected.length).toBeGreaterThan(2);
    const outcome = await searchWithWrap(dump, { space: 'file', pattern: ascii('MZ'), from: 0x2d000n }).results;
    expect(outcome.wrapped).toBe(false);
    expect(outcome.matches.slice(0, 3)).toEqual(expected.slice(0, 3));
    expect(describeOutcome(outcome)).toBe(`${countMatches(outcome.matches.length)} from 0x2d000`);
  });

  it('wraps to the signature at offset 0, including a match the cursor sits inside', async () => {
    const dump = await open();
    for (const from of [0x100n, 0x4n]) {
      const outcome = await searchWithWrap(dump, { space: 'file', pattern: ascii('PAGEDU64'), from }).results;
      expect(outcome).toEqual({ matches: [0n], wrapped: true, truncated: false, cancelled: false, from });
    }
    const none = await searchWithWrap(dump, { space: 'file', pattern: ascii('not in this dump'), from: 0x100n }).results;
    expect(none).toMatchObject({ matches: [], wrapped: true });
    expect(describeOutcome(none)).toBe('no match');
  });

  it('finds the UTF-16 name of baddrv.sys in the file', async () => {
    const dump = await open();
    const pattern = encodePattern(patternInput('baddrv.sys', 'utf16'));
    const outcome = await searchWithWrap(dump, { space: 'file', pattern, from: 0n }).results;
    const expected = offsetsIn('sample.dmp', Buffer.from('baddrv.sys', 'utf16le'));
    expect(expected.length).toBe(2);
    expect(outcome.matches).toEqual(expected);
  });

  it('finds the kernel\'s "MZ" in virtual memory at its base', async () => {
    const dump = await open();
    const summary = await dump.summary();
    const nt = BigInt(summary.modules.find((m) => m.name === 'ntoskrnl.exe')!.base);
    const outcome = await searchWithWrap(dump, { space: 'virtual', pattern: ascii('MZ'), from: nt, maxResults: 1 }).results;
    expect(outcome).toMatchObject({ matches: [0xfffff80312800000n], truncated: true, wrapped: false });
  });
});

describe('the search bar\'s helpers', () => {
  it('moves to the next match, wrapping', () => {
    expect(nextMatchIndex(0, null)).toBeNull();
    expect(nextMatchIndex(3, null)).toBe(0);
    expect(nextMatchIndex(3, 0)).toBe(1);
    expect(nextMatchIndex(3, 1)).toBe(2);
    expect(nextMatchIndex(3, 2)).toBe(0);
    expect(nextMatchIndex(1, 0)).toBe(0);
  });

  it('says what a search found', () => {
    const base: WrapSearchOutcome = { matches: [], wrapped: false, truncated: false, cancelled: false, from: 0n };
    expect(describeOutcome({ ...base, matches: [1n, 2n, 3n] })).toBe('3 matches');
    expect(describeOutcome({ ...base, matches: [1n] })).toBe('1 match');
    expect(describeOutcome(base)).toBe('no match');
    expect(describeOutcome({ ...base, matches: [1n], wrapped: true, from: 0x1000n })).toBe('no match after 0x1000; wrapped to the start: 1 match');
    expect(describeOutcome({ ...base, matches: Array(1000).fill(1n), truncated: true })).toBe('the first 1000 matches (the search stops there)');
    expect(describeOutcome({ ...base, cancelled: true })).toBe('cancelled: no match so far');
    expect(describeOutcome({ ...base, matches: [1n, 2n], cancelled: true })).toBe('cancelled: 2 matches so far');
  });

  it('turns the text box into a pattern, and says what is wrong with it', () => {
    expect(encodePattern(patternInput('4d 5a 90 00', 'hex'))).toEqual(Uint8Array.from([0x4d, 0x5a, 0x90, 0x00]));
    expect(encodePattern(patternInput('MZ', 'ascii'))).toEqual(Uint8Array.from([0x4d, 0x5a]));
    expect(encodePattern(patternInput('MZ', 'utf16'))).toEqual(Uint8Array.from([0x4d, 0, 0x5a, 0]));
    expect(() => encodePattern(patternInput('4d 5z', 'hex'))).toThrow('"4d 5z" is not a sequence of hex bytes');
  });

  it('gives progress as a whole percentage', () => {
    expect(progressPercent({ done: 0, total: 200 })).toBe(0);
    expect(progressPercent({ done: 199, total: 200 })).toBe(99);
    expect(progressPercent({ done: 200, total: 200 })).toBe(100);
    expect(progressPercent({ done: 0, total: 0 })).toBe(100);
  });
});
