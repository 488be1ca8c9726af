// Sorting and filtering of the processes table, on the sample dump's seven processes (the native CLI's summary).
import { describe, expect, it } from 'vitest';
import { processMatches, sortProcesses } from '../../web/src/panels/process-table';
import type { Summary } from '../../web/src/summary';
import { cliSummary, fixture } from '../wasm/support';

const summary = cliSummary(fixture('sample.dmp')) as unknown as Summary;
const processes = summary.processes;
const order = (column: Parameters<typeof sortProcesses>[1], direction: 'ascending' | 'descending') =>
  sortProcesses(processes, column, direction).map((i) => processes[i]!.name);

describe('the sample dump\'s processes in the summary', () => {
  it('lists them in list order with the crashing process and thread', () => {
    expect(processes.map((p) => p.name)).toEqual(['System', 'Registry', 'smss.exe', 'csrss.exe', 'app.exe', 'explorer.exe', 'setup.exe']);
    expect(summary.crashingProcess).toEqual({ name: 'app.exe', pid: 6700, address: '0xffffc50a20008000' });
    expect(summary.crashingThread).toMatchObject({ tid: 12052, address: '0xffffc50a1b2c3080', cpu: 2, irql: 2 });
    const app = processes[4]!;
    expect(app.threads.map((t) => [t.tid, t.stateName])).toEqual([[12048, 'waiting'], [12052, 'running'], [12076, 'waiting']]);
    expect(summary.kernelOffsets.fields.find((f) => f.field === 'EPROCESS.ActiveProcessLinks')).toEqual({ field: 'EPROCESS.ActiveProcessLinks', offset: '0x448', source: 'table' });
  });
});

describe('sortProcesses', () => {
  it('sorts PIDs as numbers', () => {
    expect(order('pid', 'ascending')).toEqual(['System', 'Registry', 'smss.exe', 'csrss.exe', 'app.exe', 'explorer.exe', 'setup.exe']);
    expect(order('pid', 'descending')[0]).toBe('setup.exe');
  });

  it('sorts names case-insensitively, threads and sessions as numbers (unknown first)', () => {
    expect(order('name', 'ascending')).toEqual(['app.exe', 'csrss.exe', 'explorer.exe', 'Registry', 'setup.exe', 'smss.exe', 'System']);
    expect(order('threads', 'descending').slice(0, 2)).toEqual(['System', 'app.exe']);  // 3 each: list order
    expect(order('sessionId', 'ascending').slice(0, 3)).toEqual(['System', 'Registry', 'smss.exe']);  // no session
  });

  it('sorts by start and exit time', () => {
    expect(order('createTime', 'descending')[0]).toBe('app.exe');
    expect(order('exitTime', 'descending')[0]).toBe('setup.exe');
  });
});

describe('processMatches', () => {
  const names = (text: string) => processes.filter((p) => processMatches(p, text)).map((p) => p.name);
  it('matches names and paths, case-insensitively', () => {
    expect(names('')).toHaveLength(7);
    expect(names('EXE')).toEqual(['smss.exe', 'csrss.exe', 'app.exe', 'explorer.exe', 'setup.exe']);
    expect(names('program files')).toEqual(['app.exe']);
  });

  it('matches a PID or parent PID in decimal or hex', () => {
    expect(names('6700')).toEqual(['app.exe']);
    expect(names('0x1a2c')).toEqual(['app.exe']);
    expect(names('4')).toEqual(['System', 'Registry', 'smss.exe']);  // PID 4, and its children
    expect(names('0x1f40')).toEqual(['app.exe', 'explorer.exe', 'setup.exe']);
  });
});
