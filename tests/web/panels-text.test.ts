// The texts shared by the panels and the report: exception meanings, culprit sentences, timestamps, warnings.
import { describe, expect, it } from 'vitest';
import { bugcheckTitle, culpritExplanation, culpritLocation, formatPeTimestamp, moduleKindLabel } from '../../web/src/panels/describe';
import { decodeExceptionFlags, describeAccessViolation, exceptionParameterMeanings } from '../../web/src/panels/exception-meaning';
import { explainWarning } from '../../web/src/panels/warning-explanations';
import type { Summary } from '../../web/src/summary';
import { cliSummary, fixture } from '../wasm/support';

const summaryOf = (name: string) => cliSummary(fixture(name)) as unknown as Summary;

describe('exception meanings', () => {
  it('explains an access violation\'s parameters', () => {
    const { exception } = summaryOf('sample.dmp');
    expect(exception).toMatchObject({ code: '0xc0000005', parameters: ['0x0', '0x28'] });
    expect(exceptionParameterMeanings(exception!.code, exception!.parameters)).toEqual([
      'read: the instruction tried to read the address in parameter 1',
      'the address that could not be accessed',
    ]);
    expect(describeAccessViolation(exception!.code, exception!.parameters, 'baddrv.sys+0xabcd'))
      .toBe('The instruction at baddrv.sys+0xabcd tried to read address 0x28: an address this low usually means a NULL pointer was used.');
  });

  it('names writes and executes, and the in-page error\'s status', () => {
    expect(exceptionParameterMeanings('0xc0000005', ['0x1', '0xffff8000deadbeef'])[0]).toMatch(/^write:/);
    expect(exceptionParameterMeanings('0xc0000005', ['0x8', '0x0'])[0]).toMatch(/^execute:.*DEP/);
    expect(describeAccessViolation('0xc0000005', ['0x1', '0xffff8000deadbeef'], 'x+0x1')).toBe('The instruction at x+0x1 tried to write to address 0xffff8000deadbeef, which was not accessible.');
    expect(exceptionParameterMeanings('0xc0000006', ['0x0', '0x1000', '0xc000009c'])[2]).toBe('the NTSTATUS of the failed disk read');
    expect(exceptionParameterMeanings('0x80000003', ['0x0'])).toEqual([null]);
    expect(describeAccessViolation('0x80000003', ['0x0', '0x1'], 'x')).toBeNull();
  });

  it('decodes the exception flags', () => {
    expect(decodeExceptionFlags('0x0')).toEqual([]);
    expect(decodeExceptionFlags('0x1')).toEqual(['EXCEPTION_NONCONTINUABLE']);
    expect(decodeExceptionFlags('0x102')).toEqual(['EXCEPTION_UNWINDING', '0x100']);
  });
});

describe('describe', () => {
  it('titles the bug check', () => {
    const { bugcheck } = summaryOf('sample.dmp');
    expect(bugcheckTitle(bugcheck)).toBe('DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xd1)');
    expect(bugcheckTitle({ ...bugcheck, name: '', code: '0x1234' })).toBe('Unknown bug check (0x1234)');
  });

  it('says where the culprit is and why, for every rule', () => {
    const culprit = summaryOf('sample.dmp').culprit!;
    expect(culpritLocation(culprit)).toBe('baddrv.sys+0xabcd (0xfffff8031234abcd)');
    expect(culpritExplanation(culprit)).toBe('The bug check 0xD1 parameter 4 (address that referenced memory) points inside baddrv.sys.');
    expect(culpritExplanation(summaryOf('system-culprit-exception.dmp').culprit!)).toBe('The exception address points inside baddrv.sys.');
    expect(culpritExplanation(summaryOf('system-culprit-ip.dmp').culprit!)).toBe('The context\'s instruction pointer points inside kbdhid.sys.');
    expect(culpritExplanation(summaryOf('system-culprit-stack.dmp').culprit!)).toMatch(/^Bug check 0xA .*; baddrv\.sys is the first other module on the stack .*\)\.$/);
  });

  it('formats PE timestamps in UTC', () => {
    expect(formatPeTimestamp('0x61e8a0b3')).toBe('2022-01-19 23:37:23 UTC');
    expect(formatPeTimestamp('0x0')).toBe('not set');
    expect(moduleKindLabel('user32')).toBe('user (32-bit)');
    expect(moduleKindLabel('kernel')).toBe('kernel');
  });
});

describe('explainWarning', () => {
  it('has a plain sentence for every warning of the fixtures', () => {
    const codes = new Set(['full-truncated.dmp', 'system-culprit-stack.dmp', 'system-module-cycle.dmp', 'bitmap-truncated.dmp', 'rdmp-truncated.dmp', 'full-page-count-mismatch.dmp']
      .flatMap((name) => summaryOf(name).warnings.map((w) => w.code)));
    expect(codes.has('file-truncated')).toBe(true);
    expect(codes.has('module-list-cycle')).toBe(true);
    for (const code of codes) expect(explainWarning(code), code).not.toBe(explainWarning('something-new'));
  });

  it('explains families by prefix and falls back to a general sentence', () => {
    expect(explainWarning('file-truncated')).toMatch(/^The file is shorter than Windows wrote it/);
    expect(explainWarning('module-list-cycle')).toMatch(/drivers could not be read completely/);
    expect(explainWarning('triage-region-bad')).toMatch(/minidump/);
    expect(explainWarning('something-new')).toBe('Something in this dump is not as expected; the rest of it was read.');
  });
});
