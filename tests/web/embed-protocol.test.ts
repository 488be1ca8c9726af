// web/src/embed/embed-protocol.ts: which host messages the iframe viewer accepts, and what it tells the host.
import { describe, expect, it } from 'vitest';
import { defaultDumpName, isKdmpviewMessage, parseHostMessage, viewerMessage } from '../../web/src/embed/embed-protocol';
import type { Summary } from '../../web/src/summary';

describe('host messages', () => {
  it('accepts open with a File or a Blob, and an optional name', () => {
    const file = new File([new Uint8Array(8)], 'MEMORY.DMP');
    expect(parseHostMessage({ type: 'kdmpview:open', file })).toEqual({ message: { type: 'kdmpview:open', file } });
    const blob = new Blob([new Uint8Array(8)]);
    expect(parseHostMessage({ type: 'kdmpview:open', file: blob, name: 'case-17.dmp' }))
      .toEqual({ message: { type: 'kdmpview:open', file: blob, name: 'case-17.dmp' } });
  });

  it('accepts open with a URL', () => {
    expect(parseHostMessage({ type: 'kdmpview:open', url: '/dumps/a.dmp' })).toEqual({ message: { type: 'kdmpview:open', url: '/dumps/a.dmp' } });
  });

  it('accepts navigate to a tab or an address, and lowercases the address', () => {
    expect(parseHostMessage({ type: 'kdmpview:navigate', view: 'modules' })).toEqual({ message: { type: 'kdmpview:navigate', view: 'modules' } });
    expect(parseHostMessage({ type: 'kdmpview:navigate', view: 'hex', space: 'physical', address: '0x1AD000' }))
      .toEqual({ message: { type: 'kdmpview:navigate', view: 'hex', space: 'physical', address: '0x1ad000' } });
  });

  it('accepts symbols: Files, and named Blobs as Files of the same bytes', async () => {
    const pdb = new File([new Uint8Array([1, 2, 3])], 'symdrv.pdb');
    const parsed = parseHostMessage({ type: 'kdmpview:symbols', files: [pdb, { name: 'other.pdb', data: new Blob([new Uint8Array([4, 5])]) }] });
    if (!('message' in parsed) || parsed.message.type !== 'kdmpview:symbols') throw new Error(JSON.stringify(parsed));
    expect(parsed.message.files[0]).toBe(pdb);
    expect(parsed.message.files[1]!.name).toBe('other.pdb');
    expect([...new Uint8Array(await parsed.message.files[1]!.arrayBuffer())]).toEqual([4, 5]);
    expect(parseHostMessage({ type: 'kdmpview:symbols', files: [] })).toEqual({ problem: 'kdmpview:symbols needs files: a non-empty array' });
    expect(parseHostMessage({ type: 'kdmpview:symbols', files: [pdb, 'x.pdb'] }))
      .toEqual({ problem: 'kdmpview:symbols: files[1] must be a File, or {name, data: Blob} with a non-empty name' });
    expect(parseHostMessage({ type: 'kdmpview:symbols', files: [{ name: '', data: new Blob([]) }] })).toHaveProperty('problem');
    expect(viewerMessage({ type: 'symbols', files: [{ name: 'symdrv.pdb', kind: 'pdb', used: true }] }))
      .toEqual({ type: 'kdmpview:symbols', files: [{ name: 'symdrv.pdb', kind: 'pdb', used: true }] });
  });

  it('accepts close, ignoring extra fields', () => {
    expect(parseHostMessage({ type: 'kdmpview:close', extra: 1 })).toEqual({ message: { type: 'kdmpview:close' } });
  });

  it.each([
    [{ type: 'kdmpview:open' }, /needs a file/],
    [{ type: 'kdmpview:open', file: new Uint8Array(8) }, /File or a Blob/],
    [{ type: 'kdmpview:open', file: 'MEMORY.DMP' }, /File or a Blob/],
    [{ type: 'kdmpview:open', url: '' }, /needs a file/],
    [{ type: 'kdmpview:open', url: '/a.dmp', file: new Blob([]) }, /not both/],
    [{ type: 'kdmpview:open', url: '/a.dmp', name: 7 }, /name/],
    [{ type: 'kdmpview:navigate', view: 'settings' }, /view must be one of crash, header/],
    [{ type: 'kdmpview:navigate', view: 'hex', space: 'io' }, /space/],
    [{ type: 'kdmpview:navigate', view: 'hex', address: 4096 }, /address/],
    [{ type: 'kdmpview:navigate', view: 'hex', address: '0x12345678901234567' }, /address/],
    [{ type: 'kdmpview:eval', code: '1' }, /unknown message type "kdmpview:eval"/],
    [{ type: 'open' }, /not a/],
    ['kdmpview:close', /not a/],
    [null, /not a/],
  ])('refuses %o', (data, why) => {
    const parsed = parseHostMessage(data);
    expect(parsed).toHaveProperty('problem');
    expect((parsed as { problem: string }).problem).toMatch(why);
  });

  it('tells its own messages from other scripts\' messages', () => {
    expect(isKdmpviewMessage({ type: 'kdmpview:whatever' })).toBe(true);
    expect(isKdmpviewMessage({ type: 'webpackOk' })).toBe(false);
    expect(isKdmpviewMessage('kdmpview:open')).toBe(false);
    expect(isKdmpviewMessage(undefined)).toBe(false);
  });
});

describe('viewer messages', () => {
  it('maps every viewer event to its message', () => {
    const summary = { bugcheck: { code: '0xd1' } } as unknown as Summary;
    expect(viewerMessage({ type: 'opened', name: 'a.dmp', summary })).toEqual({ type: 'kdmpview:opened', name: 'a.dmp', summary });
    expect(viewerMessage({ type: 'error', name: 'a.dmp', error: { code: 'not-a-dump', message: 'no' } }))
      .toEqual({ type: 'kdmpview:error', name: 'a.dmp', error: { code: 'not-a-dump', message: 'no' } });
    expect(viewerMessage({ type: 'navigate', view: 'stack' })).toEqual({ type: 'kdmpview:navigate', view: 'stack' });
    expect(viewerMessage({ type: 'navigate', view: 'hex', space: 'virtual', address: '0xfffff8031234abcd' }))
      .toEqual({ type: 'kdmpview:navigate', view: 'hex', space: 'virtual', address: '0xfffff8031234abcd' });
    expect(viewerMessage({ type: 'closed' })).toEqual({ type: 'kdmpview:closed' });
  });
});

describe('default names', () => {
  it('uses the file name or the last URL segment', () => {
    expect(defaultDumpName(new File([], 'MEMORY.DMP'))).toBe('MEMORY.DMP');
    expect(defaultDumpName(new Blob([]))).toBe('dump.dmp');
    expect(defaultDumpName(new Uint8Array(4))).toBe('dump.dmp');
    expect(defaultDumpName('/cases/17/Mini%20011524-01.dmp?token=x#y')).toBe('Mini 011524-01.dmp');
    expect(defaultDumpName('/cases/17/')).toBe('17');
    expect(defaultDumpName('/')).toBe('dump.dmp');
    expect(defaultDumpName('/bad%E0.dmp')).toBe('bad%E0.dmp');
  });
});
