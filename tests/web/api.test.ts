// The TypeScript API in Node (openDump in-process): bigint addresses, KdmpError rejections, search with progress and
// cancel. The browser runs the same DumpHandle over a worker (tests/e2e/package.test.ts).
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { KdmpError } from '../../web/src/api/errors';
import { openDumpInProcess } from '../../web/src/api/node';
import type { DumpHandle, DumpSource } from '../../web/src/api/types';
import { PageTables } from '../wasm/dump-builder';
import { cliSummary, fixture, paths } from '../wasm/support';

const handles: DumpHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function open(source: DumpSource): Promise<DumpHandle> {
  const dump = await openDumpInProcess(source, { wasmPath: paths.wasm });
  handles.push(dump);
  return dump;
}

function withoutTool(summary: object): object {
  const { tool: _tool, ...rest } = summary as Record<string, unknown>;
  return rest;
}

describe('openDump under Node', () => {
  it.each(['full-two-runs.dmp', 'sample.dmp', 'full32.dmp', 'bitmap-kernel.dmp', 'rdmp-complete.dmp', 'triage-header-only.dmp',
    'system-x64-fault-context.dmp', 'system-arm-kernel.dmp', 'triage-arm.dmp'])(
    '%s: the summary is kdmp-parser --json\'s', async (name) => {
      const dump = await open(fixture(name));
      expect(withoutTool(await dump.summary())).toEqual(withoutTool(cliSummary(fixture(name))));
    });

  it('opens a path, a file: URL, bytes and a Blob alike', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('sample.dmp')));
    const summaries = await Promise.all([
      fixture('sample.dmp'), pathToFileURL(fixture('sample.dmp')), bytes, new Blob([bytes]),
    ].map(async (source) => (await open(source)).summary()));
    for (const s of summaries) expect(s).toEqual(summaries[0]);
    expect((await open(bytes)).fileSize).toBe(BigInt(bytes.length));
  });

  it('rejects with a KdmpError saying why a file does not open', async () => {
    const error = await open(fixture('user-minidump.dmp')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KdmpError);
    expect(error).toMatchObject({ code: 'user-mode-minidump', where: 0n });
    await expect(open('/nonexistent.dmp')).rejects.toMatchObject({ code: 'source-failed' });
    await expect(open('https://example.invalid/x.dmp')).rejects.toMatchObject({ code: 'source-failed' });
  });

  it('reads with bigint addresses and rejects naming the address', async () => {
    const dump = await open(fixture('full-two-runs.dmp'));
    expect(new TextDecoder().decode(await dump.readFile(0n, 8))).toBe('PAGEDU64');
    const physical = await dump.readPhysical(0x11ff8n, 64);
    expect(physical.length).toBe(8);
    expect(new DataView(physical.buffer, physical.byteOffset).getBigUint64(0, true)).toBe(0x11ff8n);
    await expect(dump.readPhysical(0xffff_ffff_ffff_f000n, 8)).rejects.toMatchObject({ code: 'page-not-in-dump', where: 0xffff_ffff_ffff_f000n });
    await expect(dump.readPhysical(-1n, 8)).rejects.toThrow(RangeError);
    expect(await dump.physicalRanges()).toEqual([{ base: 0x1000n, pages: 4 }, { base: 0x10000n, pages: 2 }]);
    expect(await dump.nextPhysicalPage(5n)).toBe(0x10n);
    expect(await dump.nextPhysicalPage(0x12n)).toBeNull();
    expect(dump.headerFields.find((f) => f.name === 'DirectoryTableBase')).toMatchObject({ offset: 0x10, size: 8 });
  });

  it('translates and reads virtual memory', async () => {
    const tables = new PageTables('x64');
    tables.map(0xfffff80312340000n, 0x20000);
    const dump = await open(tables.build());
    expect(await dump.translate(0xfffff80312340123n)).toEqual({
      gpa: 0x20123n, pageSize: 0x1000, pageBase: 0xfffff80312340000n, writable: true, user: false, executable: true, transition: false,
    });
    expect((await dump.readVirtual(0xfffff80312340ff8n, 64)).length).toBe(8);
    expect((await dump.readVirtual(0xfffff80312340000n, 8, { dtb: BigInt(tables.dtb) })).length).toBe(8);
    await expect(dump.translate(0xfffff80312341000n)).rejects.toMatchObject({ code: 'not-present', where: 0xfffff80312341000n });
    expect(await dump.virtualMemory()).toEqual({ mode: 'x64', pointerSize: 8, dtb: BigInt(tables.dtb), regions: [] });
  });

  it('searches each space, with progress, and cancels', async () => {
    const dump = await open(fixture('sample.dmp'));
    // The header's comment, "kdmpview sample dump", is at 0xfb0.
    const text = await dump.search({ space: 'file', pattern: { ascii: 'kdmpview sample dump' } }).results;
    expect(text).toEqual({ matches: [0xfb0n], truncated: false, cancelled: false, scanned: statSync(fixture('sample.dmp')).size });
    const runs = await open(fixture('full-two-runs.dmp'));
    const physical = await runs.search({ space: 'physical', pattern: { hex: '08 10 01 00 00 00 00 00' }, start: 0x1000n, end: 0x12000n }).results;
    expect(physical.matches).toEqual([0x11008n]);
    const capped = await dump.search({ space: 'file', pattern: { bytes: new Uint8Array([0x50]) }, maxResults: 3 }).results;
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.matches).toHaveLength(3);
    const virtual = await dump.search({ space: 'virtual', pattern: { utf16: 'x' }, start: 0xfffff80000000000n, end: 1n << 64n }).results;
    expect(virtual).toMatchObject({ matches: [], cancelled: false });

    const big = new Uint8Array(64 * 1024 * 1024);
    big.set(readFileSync(fixture('sample.dmp')));
    const slow = await open(big);
    const progress: number[] = [];
    const task = slow.search({ space: 'file', pattern: { ascii: 'not there' }, onProgress: (p) => progress.push(p.done) });
    task.cancel();
    const cancelled = await task.results;
    // Cancelled before its first chunk (the cancel jumps the queue) or soon after.
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.scanned).toBeLessThan(big.length);
  });

  it('rejects bad patterns', async () => {
    const dump = await open(fixture('sample.dmp'));
    await expect(dump.search({ space: 'file', pattern: { ascii: 'é' } }).results).rejects.toThrow(/not ASCII/);
    await expect(dump.search({ space: 'file', pattern: { hex: '4' } }).results).rejects.toThrow(/hex bytes/);
    await expect(dump.search({ space: 'file', pattern: { bytes: new Uint8Array(0) } }).results).rejects.toThrow(/empty/);
  });

  it('rejects calls after close', async () => {
    const dump = await openDumpInProcess(fixture('sample.dmp'), { wasmPath: paths.wasm });
    await dump.close();
    await dump.close();
    await expect(dump.readFile(0n, 8)).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('keeps the wasm heap small', async () => {
    const dump = await open(fixture('sample.dmp'));
    expect((await dump.stats()).wasmHeapBytes).toBeLessThan(64 * 1024 * 1024);
  });
});
