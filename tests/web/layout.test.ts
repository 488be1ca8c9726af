// fileLayout and nextMappedVirtual through the TypeScript API (openDump in-process: client, protocol, session, wasm),
// against the fixtures' known offsets and addresses and the native CLI's --layout.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openDumpInProcess } from '../../web/src/api/node';
import type { DumpHandle, FileRegion } from '../../web/src/api/types';
import { WorkerErrorCode } from '../../web/src/protocol';
import { DumpSession } from '../../web/src/worker/session';
import { NodeFileSource } from '@wasm/node-file-source';
import { fixture, loadModule, paths } from '../wasm/support';

const handles: DumpHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function open(name: string): Promise<DumpHandle> {
  const dump = await openDumpInProcess(fixture(name), { wasmPath: paths.wasm });
  handles.push(dump);
  return dump;
}

/** `kdmp-parser --layout` lines ("0000000000000000-0000000000002000  header   Dump header (PAGEDU64)") as regions. */
function cliLayout(name: string): FileRegion[] {
  const out = execFileSync(paths.cli, ['--layout', fixture(name)], { encoding: 'utf8' });
  return out.trimEnd().split('\n').map((line) => {
    const match = /^([0-9a-f]{16})-([0-9a-f]{16}) {2}(\S+) +(.*)$/.exec(line);
    if (!match) throw new Error(`unexpected --layout line: ${line}`);
    const [, start = '', end = '', kind = '', name = ''] = match;
    const offset = BigInt(`0x${start}`);
    return { kind, name, offset, size: BigInt(`0x${end}`) - offset };
  });
}

// default_system(x64) in tests/fixtures/system_writer.cpp: the PEB is the lowest page written, a page of hal.dll
// (0xfffff80340e00000) at +0x2a000 the highest.
const PEB = 0x000000a3c5f4d000n;
const FIRST_KERNEL_PAGE = 0xffffa001e7c00000n;  // processor 1's KPCR
const LAST_PAGE = 0xfffff80340e2a000n;

describe('fileLayout', () => {
  it('sample.dmp: the header, its two-run list and one region per run', async () => {
    const dump = await open('sample.dmp');
    expect(await dump.fileLayout()).toEqual([
      { kind: 'header', name: 'Dump header (PAGEDU64)', offset: 0x0n, size: 0x2000n },
      { kind: 'run-list', name: 'Run list (2 runs)', offset: 0x88n, size: 0x30n },
      { kind: 'page-data', name: 'Run 1: 0x2b pages from PFN 0x100', offset: 0x2000n, size: 0x2b000n },
      { kind: 'page-data', name: 'Run 2: 0x3c pages from PFN 0x400', offset: 0x2d000n, size: 0x3c000n },
    ]);
  });

  it('bitmap-partial-byte.dmp: 0x45 bits take 9 bytes', async () => {
    const dump = await open('bitmap-partial-byte.dmp');
    expect(await dump.fileLayout()).toEqual([
      { kind: 'header', name: 'Dump header (PAGEDU64)', offset: 0x0n, size: 0x2000n },
      { kind: 'bitmap-header', name: 'Bitmap summary header', offset: 0x2000n, size: 0x38n },
      { kind: 'bitmap', name: 'Page bitmap (69 bits)', offset: 0x2038n, size: 0x9n },
      { kind: 'page-data', name: 'Page data: 0x6 pages', offset: 0x3000n, size: 0x6000n },
    ]);
  });

  it.each(['full32.dmp', 'rdmp-complete.dmp', 'rdmp-truncated.dmp', 'triage64.dmp', 'triage32.dmp', 'system-x64-bitmap.dmp'])(
    '%s: the same regions as kdmp-parser --layout', async (name) => {
      const dump = await open(name);
      expect(await dump.fileLayout()).toEqual(cliLayout(name));
    });

  it('crosses the protocol as "0x..." strings', async () => {
    const session = new DumpSession(() => loadModule(), (source) => {
      if (source.kind !== 'path') throw new Error('paths only');
      return new NodeFileSource(source.path);
    });
    try {
      await session.handle({ id: 1, type: 'open', body: { source: { kind: 'path', path: fixture('full-two-runs.dmp') } } });
      const reply = await session.handle({ id: 2, type: 'fileLayout', body: {} });
      expect(reply).toEqual({
        inReplyTo: 2, ok: true, body: {
          regions: [
            { kind: 'header', name: 'Dump header (PAGEDU64)', offset: '0x0', size: '0x2000' },
            { kind: 'run-list', name: 'Run list (2 runs)', offset: '0x88', size: '0x30' },
            { kind: 'page-data', name: 'Run 1: 0x4 pages from PFN 0x1', offset: '0x2000', size: '0x4000' },
            { kind: 'page-data', name: 'Run 2: 0x2 pages from PFN 0x10', offset: '0x6000', size: '0x2000' },
          ],
        },
      });
      const next = await session.handle({ id: 3, type: 'nextMappedVirtual', body: { address: '0x0' } });
      expect(next).toEqual({ inReplyTo: 3, ok: true, body: { address: null } });  // its page tables are not in it
      const bad = await session.handle({ id: 4, type: 'nextMappedVirtual', body: { address: 'zero' as `0x${string}` } });  // what a buggy page might send
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.code).toBe(WorkerErrorCode.badRequest);
    } finally {
      await session.handle({ id: 5, type: 'close', body: {} });
    }
  });
});

describe('nextMappedVirtual', () => {
  it('sample.dmp: the first readable address, from 0, inside a page, past the last page', async () => {
    const dump = await open('sample.dmp');
    expect(await dump.nextMappedVirtual(0n)).toBe(PEB);
    expect(await dump.nextMappedVirtual(PEB + 0x123n)).toBe(PEB + 0x123n);
    expect(await dump.nextMappedVirtual(0x0000_8000_0000_0000n)).toBe(FIRST_KERNEL_PAGE);  // across the hole
    expect(await dump.nextMappedVirtual(LAST_PAGE + 0xfffn)).toBe(LAST_PAGE + 0xfffn);
    expect(await dump.nextMappedVirtual(LAST_PAGE + 0x1000n)).toBeNull();
    expect(await dump.nextMappedVirtual((1n << 64n) - 1n)).toBeNull();
  });

  it('sample.dmp: through another dtb', async () => {
    const dump = await open('sample.dmp');
    expect(await dump.nextMappedVirtual(0n, { dtb: 0x100002n })).toBe(PEB);  // the header's, spelled out
    expect(await dump.nextMappedVirtual(0n, { dtb: 0x2000n })).toBeNull();   // a data page: nothing present
  });

  it('system-x64-rdmp.dmp: the user pages translate but are not in the dump, so they are skipped', async () => {
    const dump = await open('system-x64-rdmp.dmp');
    expect((await dump.translate(PEB)).gpa).toBeGreaterThan(0n);
    expect(await dump.nextMappedVirtual(0n)).toBe(FIRST_KERNEL_PAGE);
  });

  it('triage64.dmp: the next saved region', async () => {
    const dump = await open('triage64.dmp');
    expect(await dump.nextMappedVirtual(0n)).toBe(0xffffc08011220000n);
    expect(await dump.nextMappedVirtual(0xffffc08011220280n)).toBe(0xffffc08012345040n);
    expect(await dump.nextMappedVirtual(0xfffff80312a2b000n)).toBeNull();
  });

  it('triage-header-only.dmp: no saved regions, nothing mapped', async () => {
    const dump = await open('triage-header-only.dmp');
    expect(await dump.nextMappedVirtual(0n)).toBeNull();
  });

  it('the binding answers { ok, address } and rejects what is no "0x..." value', async () => {
    const module = await loadModule();
    const source = new NodeFileSource(fixture('sample.dmp'));
    const opened = module.open(source);
    if (!opened.ok) throw new Error(opened.error.message);
    const dump = opened.dump;
    try {
      expect(dump.nextMappedVirtual('0x0')).toEqual({ ok: true, address: '0xa3c5f4d000' });
      expect(dump.nextMappedVirtual('0x0', '0x100002')).toEqual({ ok: true, address: '0xa3c5f4d000' });
      expect(dump.nextMappedVirtual('0xfffff80340e2b000')).toEqual({ ok: true, address: null });
      const bad = dump.nextMappedVirtual('0x0', 'cr3');
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.code).toBe('invalid-argument');
    } finally {
      dump.delete();
      source.close();
    }
  });
});
