import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../web/src/summary';

describe('parseSummary', () => {
  it('accepts the summary shape', () => {
    const s = parseSummary(JSON.stringify({
      tool: { name: 'kdmpview', version: '0' },
      header: { signature: 'PAGEDU64' },
      bugcheck: { code: '0x3b', name: 'SYSTEM_SERVICE_EXCEPTION', parameters: ['0x0', '0x1', '0x2', '0x3'] },
      warnings: [],
    }));
    expect(s.bugcheck.parameters).toHaveLength(4);
  });

  it('rejects a document without header, bugcheck and warnings', () => {
    expect(() => parseSummary('{}')).toThrow(/expected shape/);
    expect(() => parseSummary('null')).toThrow(/expected shape/);
  });
});
