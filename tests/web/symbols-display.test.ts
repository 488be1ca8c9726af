// How the panels spell an address once symbols name it: the function when one covers it, module+offset otherwise.
import { describe, expect, it } from 'vitest';
import { culpritLocation, symbolOr } from '../../web/src/panels/describe';

describe('symbol names in the panels', () => {
  it('prefers module!function+offset, keeps module+offset without a function', () => {
    expect(symbolOr('symdrv!SymFaultingFunction+0x10', 'symdrv.sys', '0x1010')).toBe('symdrv!SymFaultingFunction+0x10');
    expect(symbolOr('symdrv+0x1010', 'symdrv.sys', '0x1010')).toBe('symdrv.sys+0x1010');
    expect(symbolOr(undefined, 'baddrv.sys', '0xabcd')).toBe('baddrv.sys+0xabcd');
  });

  it('names the culprit by its function', () => {
    const culprit = { module: 'symdrv.sys', base: '0xfffff80312360000', address: '0xfffff80312361010', offset: '0x1010', reason: 'r' } as const;
    expect(culpritLocation({ ...culprit, symbol: 'symdrv!SymFaultingFunction+0x10' })).toBe('symdrv!SymFaultingFunction+0x10 (0xfffff80312361010)');
    expect(culpritLocation(culprit)).toBe('symdrv.sys+0x1010 (0xfffff80312361010)');
  });
});
