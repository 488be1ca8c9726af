// The pure parts of issue 15: safe text, the table of crashes as CSV/JSON, the overview's bars, the worker pool's
// size, the virtual table's window, link times that are hashes, NTSTATUS names, and truncated memory maps.
import { describe, expect, it } from 'vitest';
import { describeLinkTime } from '../../web/src/panels/describe';
import { statusName } from '../../web/src/panels/exception-meaning';
import { heldPagesFromLayout, layoutMemoryMap } from '../../web/src/panels/memory-map';
import { visibleRange } from '../../web/src/panels/virtual-table';
import type { Summary } from '../../web/src/summary';
import { crashTableCsv, crashTableJson, CRASH_COLUMNS, csvField, offeredColumns, type CrashListEntry } from '../../web/src/viewer/crash-columns';
import { bars, countsByMonth } from '../../web/src/viewer/crash-overview';
import { MAX_WORKERS, poolSize } from '../../web/src/viewer/summary-pool';
import { capEnd, capMiddle, hasHostileCharacters, visibleText } from '../../web/src/views/safe-text';

describe('visibleText', () => {
  it('escapes bidi controls and control characters, keeps other text', () => {
    expect(visibleText('evil\u202Egpj.sys')).toBe('evil\\u202Egpj.sys');
    expect(visibleText('\u2066a\u2069\u200f')).toBe('\\u2066a\\u2069\\u200F');
    expect(visibleText('a\u0000b\u001b[31m\u007f\u0085')).toBe('a\\x00b\\x1b[31m\\x7f\\x85');
    expect(visibleText('line\nnext\ttab <b>x</b> שלום')).toBe('line\nnext\ttab <b>x</b> שלום');
    expect(hasHostileCharacters('ok')).toBe(false);
    expect(hasHostileCharacters('a\u202Db')).toBe(true);
  });

  it('caps at the end or in the middle by code points', () => {
    expect(capEnd('abcdef', 4)).toBe('abc…');
    expect(capEnd('abc', 4)).toBe('abc');
    expect(capMiddle('crash-2024-01-01-host.dmp', 11)).toBe('crash…t.dmp');
    expect([...capMiddle('😀'.repeat(50), 9)].length).toBe(9);
  });
});

function entry(name: string, summary?: Partial<Summary> & { culprit?: Summary['culprit'] }, size = 100): CrashListEntry {
  return { file: new File([new Uint8Array(size)], name), name, ...(summary ? { summary: summary as Summary } : { error: { code: 'not-a-dump', message: 'not a dump' } }) };
}

const base = (time: string, code: string, name: string, culprit: string | null): Partial<Summary> => ({
  header: { systemTime: time, dumpTypeName: 'Full', machineName: 'x64', minorVersion: 19041 } as Summary['header'],
  bugcheck: { code, name, description: '', parameters: ['0x1', '0x2', '0x3', '0x4'], parameterMeanings: [null, null, null, null] } as Summary['bugcheck'],
  culprit: culprit ? { module: culprit, base: '0x1000', address: '0x1010', offset: '0x10', reason: 'r' } : null,
  modules: culprit ? [{ name: culprit, path: '', base: '0x1000', size: '0x100', checksum: '0x0', timestamp: '0x0', kind: 'kernel' }] : [],
});

describe('the table of crashes as data', () => {
  const entries = [
    entry('a.dmp', base('2024-03-01T10:00:00.000Z', '0xd1', 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', 'bad.sys')),
    entry('=cmd|calc.dmp', base('2024-03-02T10:00:00.000Z', '0x50', 'PAGE_FAULT_IN_NONPAGED_AREA', 'bad.sys')),
    entry('c,"q".dmp', base('2024-03-02T11:00:00.000Z', '0xd1', 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', null)),
    entry('broken.bin'),
  ];

  it('writes CSV with quoting and formula guards', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=1+1')).toBe("'=1+1");
    const columns = CRASH_COLUMNS.filter((c) => ['file', 'bugcheck', 'driver'].includes(c.id));
    expect(crashTableCsv(entries, columns)).toBe([
      'Dump file,Bug check,Caused by driver',
      'a.dmp,DRIVER_IRQL_NOT_LESS_OR_EQUAL,bad.sys',
      "'=cmd|calc.dmp,PAGE_FAULT_IN_NONPAGED_AREA,bad.sys",
      '"c,""q"".dmp",DRIVER_IRQL_NOT_LESS_OR_EQUAL,',
      'broken.bin,Not readable: not a dump,',
      '',
    ].join('\r\n'));
  });

  it('writes JSON with the summary or the error of each file', () => {
    const json = JSON.parse(crashTableJson(entries)) as { files: { file: string; size: number; summary?: unknown; error?: unknown }[] };
    expect(json.files.map((f) => f.file)).toEqual(['a.dmp', '=cmd|calc.dmp', 'c,"q".dmp', 'broken.bin']);
    expect(json.files[3]).toEqual({ file: 'broken.bin', size: 100, error: { code: 'not-a-dump', message: 'not a dump' } });
    expect(json.files[0]!.summary).toEqual(entries[0]!.summary);
  });

  it('offers the version and company columns only once a summary carries them', () => {
    expect(offeredColumns(entries).map((c) => c.id)).not.toContain('version');
    const withVersion = entry('v.dmp', base('2024-03-01T10:00:00.000Z', '0xd1', 'X', 'bad.sys'));
    withVersion.summary!.modules[0]!.fileVersion = '10.0.19041.1';
    withVersion.summary!.modules[0]!.companyName = 'Bad Drivers Inc.';
    const offered = offeredColumns([...entries, withVersion]);
    expect(offered.map((c) => c.id)).toContain('version');
    expect(offered.find((c) => c.id === 'company')!.text(withVersion)).toBe('Bad Drivers Inc.');
  });

  it('counts culprits, bug checks and days for the overview', () => {
    const readable = entries.filter((e) => e.summary);
    expect(bars(readable, 'driver', false)).toEqual([{ value: 'bad.sys', count: 2 }, { value: '(none found)', count: 1 }]);
    expect(bars(readable, 'bugcheck', false)[0]).toEqual({ value: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL', count: 2 });
    expect(countsByMonth(readable)).toBe(false);
    expect(bars(readable, 'period', false)).toEqual([{ value: '2024-03-01', count: 1 }, { value: '2024-03-02', count: 2 }]);
    const spread = [...readable, entry('late.dmp', base('2024-09-01T00:00:00.000Z', '0x1', 'A', null))];
    expect(countsByMonth(spread)).toBe(true);
    expect(bars(spread, 'period', true)).toEqual([{ value: '2024-03', count: 3 }, { value: '2024-09', count: 1 }]);
  });
});

describe('the worker pool', () => {
  it('uses the cores, at most one per file, fewer with little memory, at most MAX_WORKERS', () => {
    expect(poolSize(1000, 4)).toBe(4);
    expect(poolSize(3, 16)).toBe(3);
    expect(poolSize(1000, 64)).toBe(MAX_WORKERS);
    expect(poolSize(1000, 8, 1)).toBe(2);
    expect(poolSize(0, 4)).toBe(1);
  });
});

describe('virtual tables', () => {
  it('builds the rows in view and an overscan around them', () => {
    expect(visibleRange(0, 560, 1831)).toEqual([0, 40]);
    expect(visibleRange(28 * 1000, 560, 1831)).toEqual([980, 1040]);
    expect(visibleRange(28 * 1831, 560, 1831)).toEqual([1811, 1831]);
  });
});

describe('link times', () => {
  it('says a reproducible build stores a hash, and flags times after the crash or before NT', () => {
    expect(describeLinkTime({ timestamp: '0x61e8a0b3', reproducible: true }, null)).toEqual({ text: '0x61e8a0b3 (a content hash: reproducible build, no link time)', hash: 'yes' });
    expect(describeLinkTime({ timestamp: '0x61e8a0b3' }, '2024-01-01T00:00:00.000Z')).toEqual({ text: '2022-01-19 23:37:23 UTC', hash: 'no' });
    expect(describeLinkTime({ timestamp: '0xd2a1c3e5' }, '2024-01-01T00:00:00.000Z').text).toMatch(/^2081-.* \(after the crash: may be a content hash of a reproducible build\)$/);
    expect(describeLinkTime({ timestamp: '0x1000' }, null).hash).toBe('maybe');
    expect(describeLinkTime({ timestamp: '0x0' }, null)).toEqual({ text: 'not set', hash: 'no' });
  });

  it('names NTSTATUS codes, sign-extended or not', () => {
    expect(statusName('0xffffffffc0000005', null)).toBe('STATUS_ACCESS_VIOLATION');
    expect(statusName('0xc0000096', null)).toBe('STATUS_PRIVILEGED_INSTRUCTION');
    expect(statusName('0xc0001234', { code: '0xc0001234', name: 'STATUS_SOMETHING' })).toBe('STATUS_SOMETHING');
    expect(statusName('0x1234', null)).toBeNull();
  });
});

describe('truncated memory maps', () => {
  it('gives the held pages to the ranges in file order', () => {
    const map = layoutMemoryMap([{ base: '0x1000', pages: 4 }, { base: '0x10000', pages: 2 }], 0.25, 5);
    expect(map.blocks.map((b) => b.held)).toEqual([4, 1]);
    expect(map.heldPages).toBe(5);
    expect(heldPagesFromLayout([{ kind: 'header', size: 0x2000n }, { kind: 'page-data', size: 0x4000n }, { kind: 'page-data', size: 0x800n }], true)).toBe(4);
    expect(heldPagesFromLayout([{ kind: 'header', size: 0x2000n }], true)).toBe(0);
    expect(heldPagesFromLayout([{ kind: 'header', size: 0x2000n }], false)).toBe(Infinity);
  });
});

describe('bookmarks in the link', () => {
  it('round-trips through the fragment, names with colons and all, and drops malformed ones', async () => {
    const { formatFragment, parseFragment } = await import('../../web/src/viewer/fragment');
    const { parseBookmark } = await import('../../web/src/hex/bookmarks');
    const bookmarks = [
      { name: 'a: b & c', space: 'virtual' as const, address: 0xfffff8031234abcdn, length: 4, dtb: 0x1ad000n },
      { name: '', space: 'file' as const, address: 0x38n, length: 0 },
    ];
    const fragment = formatFragment({ view: 'modules', bookmarks });
    expect(parseFragment(fragment)).toEqual({ view: 'modules', bookmarks });
    expect(parseFragment('#view=crash&bm=nowhere:0x1:0:x&bm=file:0x10:2:ok')).toEqual({ view: 'crash', bookmarks: [{ name: 'ok', space: 'file', address: 0x10n, length: 2 }] });
    expect(parseBookmark('file:0x10:2:' + 'n'.repeat(500))!.name.length).toBe(80);
    expect(parseFragment('#view=crash')).toEqual({ view: 'crash' });
  });
});
