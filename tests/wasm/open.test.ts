// The wasm module against the native CLI: the same fixture must give the same summary through both.
import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DumpHandle, JsByteSource } from '@wasm/kdmpview';
import { BytesSource } from '@wasm/bytes-source';
import { NodeFileSource } from '@wasm/node-file-source';
import { cliSummary, fixture, loadModule } from './support';

const opened: DumpHandle[] = [];
const sources: NodeFileSource[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.delete();
  for (const s of sources.splice(0)) s.close();
});

async function open(source: JsByteSource) {
  return (await loadModule()).open(source);
}

async function openFixture(name: string): Promise<DumpHandle> {
  const source = new NodeFileSource(fixture(name));
  sources.push(source);
  const result = await open(source);
  if (!result.ok) throw new Error(`${name}: ${result.error.code}: ${result.error.message}`);
  opened.push(result.dump);
  return result.dump;
}

function withoutTool(summary: Record<string, unknown>): Record<string, unknown> {
  const { tool: _tool, file: _file, ...rest } = summary;
  return rest;
}

/** Every string in the summary: a 64-bit value must never come back as a negative number or "-0x...". */
// Every leaf value but the failure bucket: a WinDbg bucket id ("0x3B_UNKNOWN_MODULE") is text, not a 64-bit value.
function allValues(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => allValues(v, out));
  else if (value !== null && typeof value === 'object') {
    Object.entries(value).forEach(([key, v]) => { if (key !== 'failureBucket') allValues(v, out); });
  } else out.push(value);
  return out;
}

describe.each(['full-two-runs.dmp', 'sample.dmp', 'full32.dmp', 'system-x64-fault-context.dmp', 'system-arm.dmp', 'triage-arm.dmp'])('%s', (name) => {
  it('gives the same summary as kdmp-parser --json', async () => {
    const dump = await openFixture(name);
    const fromWasm = JSON.parse(dump.summaryJson()) as Record<string, unknown>;
    expect(withoutTool(fromWasm)).toEqual(withoutTool(cliSummary(fixture(name))));
  });

  it('has no negative 64-bit values', async () => {
    const dump = await openFixture(name);
    const summary = JSON.parse(dump.summaryJson());
    expect(summary.analysis.failureBucket).toMatch(/^(AV|0x[0-9A-F]+)_\S+$/);
    const values = allValues(summary);
    for (const v of values) {
      if (typeof v === 'number') expect(v).toBeGreaterThanOrEqual(0);
      if (typeof v === 'string' && v.startsWith('0x')) expect(v).toMatch(/^0x[0-9a-f]+$/);
      if (typeof v === 'string') expect(v).not.toMatch(/^-/);
    }
    expect(dump.fileSize()).toBe(statSync(fixture(name)).size);
  });

  it('reads the file bytes, cut at the end of the file', async () => {
    const dump = await openFixture(name);
    const bytes = readFileSync(fixture(name));
    const head = dump.readFile(0, 512);
    expect(head.ok && Buffer.from(head.bytes).equals(bytes.subarray(0, 512))).toBe(true);
    const tail = dump.readFile(bytes.length - 100, 4096);
    expect(tail.ok && Buffer.from(tail.bytes).equals(bytes.subarray(bytes.length - 100))).toBe(true);
    const past = dump.readFile(bytes.length + 10, 16);
    expect(past.ok && past.bytes.length).toBe(0);
  });

  it('lists the header fields inside the header', async () => {
    const dump = await openFixture(name);
    const fields = dump.headerFields();
    const is64 = (JSON.parse(dump.summaryJson()) as { header: { is64: boolean } }).header.is64;
    expect(fields.length).toBeGreaterThan(10);
    for (const f of fields) {
      expect(f.name).toMatch(/\S/);
      expect(f.offset + f.size).toBeLessThanOrEqual(is64 ? 0x2000 : 0x1000);
    }
  });
});

describe('the 64-bit fixture', () => {
  it('reads as a full dump with bugcheck 0x3b', async () => {
    const summary = JSON.parse((await openFixture('full-two-runs.dmp')).summaryJson());
    expect(summary.header).toMatchObject({ signature: 'PAGEDU64', dumpType: 1, is64: true, machineImageType: '0x8664' });
    expect(summary.bugcheck.code).toBe('0x3b');
    expect(summary.bugcheck.parameters).toHaveLength(4);
  });
});

describe('context and faultingContext', () => {
  it('context is the header\'s CONTEXT (at KeBugCheckEx), faultingContext the record bug check 0x1000007E names', async () => {
    const summary = JSON.parse((await openFixture('system-x64-fault-context.dmp')).summaryJson());
    expect(summary.context.rip).toBe('0xfffff80312bf9c40');
    expect(summary.context.rsp).toBe('0xffffd0012345e0c0');
    expect(summary.faultingContext).toMatchObject({
      source: 'bug check 0x1000007E parameter 4 (context record)',
      address: '0xffffd0012345e1c0',
      registers: { rip: '0xfffff8031234abcd', rsp: '0xffffd0012345e8c0' },
    });
    expect(summary.stack.start).toBe('0xffffd0012345e0c0');
    expect(summary.stack.faultingStackPointer).toBe('0xffffd0012345e8c0');
  });

  it('a dump without a record at the fault has faultingContext null', async () => {
    const summary = JSON.parse((await openFixture('sample.dmp')).summaryJson());
    expect(summary.faultingContext).toBeNull();
    expect(summary.stack.faultingStackPointer).toBeNull();
  });

  it('32-bit ARM: the machine, the ARM CONTEXT, the stack and the culprit', async () => {
    const summary = JSON.parse((await openFixture('system-arm.dmp')).summaryJson());
    expect(summary.header).toMatchObject({ signature: 'PAGEDUMP', is64: false, machineImageType: '0x1c4', machineName: 'ARM' });
    expect(Object.keys(summary.context).slice(0, 18)).toEqual([
      'r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'pc', 'cpsr', 'fpscr']);
    expect(summary.context.pc).toBe('0x9a10abcc');
    expect(summary.context.d31).toBe('0x0');
    expect(summary.culprit).toMatchObject({ module: 'baddrv.sys', offset: '0xabcc' });
    expect(summary.stack.entries).toContainEqual(expect.objectContaining({
      stackAddress: '0x9a3e6b50', value: '0x9a101235', module: 'baddrv.sys', offset: '0x1234', probableReturn: true, symbol: 'baddrv+0x1234' }));
    const triage = JSON.parse((await openFixture('triage-arm.dmp')).summaryJson());
    expect(triage.context.pc).toBe('0x807f5a80');
    expect(triage.faultingContext.registers.pc).toBe('0x9a10abcc');
    expect(triage.stack.start).toBe(triage.triage.topOfStack);
  });
});

describe('errors come back as values', () => {
  it.each([
    ['user-minidump.dmp', 'user-mode-minidump'],
    ['not-a-dump.bin', 'not-a-dump'],
    ['truncated-header.dmp', 'file-too-small'],
  ])('%s gives %s', async (name, code) => {
    const source = new NodeFileSource(fixture(name));
    sources.push(source);
    const result = await open(source);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(/\S/);
      expect(result.error.where).toMatch(/^0x[0-9a-f]+$/);
    }
  });

  it('an empty file is too small', async () => {
    const result = await open(new BytesSource(new Uint8Array(0)));
    expect(!result.ok && result.error.code).toBe('file-too-small');
  });

  it('a failing byte source gives an io error naming the offset and the reason', async () => {
    const failing = { size: 0x10000, lastError: 'disk on fire', read: () => -1 };
    const result = await open(failing);
    expect(!result.ok && result.error.code).toBe('io');
    expect(!result.ok && result.error.message).toContain('disk on fire');
  });

  it('something that is not a byte source is an invalid argument', async () => {
    const result = await open({} as JsByteSource);
    expect(!result.ok && result.error.code).toBe('invalid-argument');
  });

  it('bad read arguments are an invalid argument', async () => {
    const dump = await openFixture('full-two-runs.dmp');
    for (const [offset, length] of [[-1, 16], [0, -1], [0.5, 16], [Number.NaN, 1]] as const) {
      const result = dump.readFile(offset, length);
      expect(!result.ok && result.error.code).toBe('invalid-argument');
    }
  });
});

describe('the same bytes through every source', () => {
  it('BytesSource and NodeFileSource open full-two-runs.dmp to the same summary', async () => {
    const fromFile = (await openFixture('full-two-runs.dmp')).summaryJson();
    const result = await open(new BytesSource(new Uint8Array(readFileSync(fixture('full-two-runs.dmp')))));
    expect(result.ok).toBe(true);
    if (result.ok) {
      opened.push(result.dump);
      expect(result.dump.summaryJson()).toBe(fromFile);
    }
  });
});

describe('ownership', () => {
  it('delete() frees a dump: opening 1000 in a row does not grow the heap (leaking would need ~40 MiB)', async () => {
    const module = await loadModule();
    const heapSize = () => (module as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
    const bytes = new Uint8Array(readFileSync(fixture('full-two-runs.dmp')));
    const openAndDelete = () => {
      const result = module.open(new BytesSource(bytes));
      if (!result.ok) throw new Error(result.error.message);
      result.dump.readFile(0, 4096);
      result.dump.delete();
    };
    openAndDelete();
    const before = heapSize();
    for (let i = 0; i < 1000; ++i) openAndDelete();
    expect(heapSize()).toBe(before);
  });
});

describe('kdmpview.d.ts', () => {
  it('declares every function bindings.cpp binds, and nothing more', async () => {
    const module = (await loadModule()) as unknown as Record<string, unknown> & { DumpHandle: { prototype: object } };
    const embindOwn = new Set(['constructor', 'clone', 'delete', 'deleteLater', 'isAliasOf', 'isDeleted']);
    const bound = Object.getOwnPropertyNames(module.DumpHandle.prototype).filter((n) => !embindOwn.has(n)).sort();
    const declarations = readFileSync(new URL('../../wasm/kdmpview.d.ts', import.meta.url), 'utf8');
    const body = /export interface DumpHandle \{([\s\S]*?)\n\}/.exec(declarations)![1]!;
    const declared = [...body.matchAll(/^\s+(\w+)\(/gm)].map((m) => m[1]!).filter((n) => !embindOwn.has(n)).sort();
    expect(declared).toEqual(bound);
    expect(typeof module['open']).toBe('function');
  });
});
