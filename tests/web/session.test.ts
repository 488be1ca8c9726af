// The worker's session and the page's client, talking over an in-memory channel, with the real wasm module.
import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BytesSource } from '@wasm/bytes-source';
import { NodeFileSource } from '@wasm/node-file-source';
import { DumpClient, type MessageEndpoint } from '../../web/src/client';
import { encodePattern } from '../../web/src/pattern';
import type { OpenSource, Request, WorkerMessage } from '../../web/src/protocol';
import { DumpSession, type SessionSource } from '../../web/src/worker/session';
import { fixture, loadModule } from '../wasm/support';

/** Milliseconds each read of 1 MiB or more takes, for the tests that need a search to last. */
let slowReadMs = 0;

class SlowBytesSource extends BytesSource {
  override read(offset: number, target: Uint8Array): number {
    if (target.length >= 1 << 20) {
      const until = performance.now() + slowReadMs;
      while (performance.now() < until);
    }
    return super.read(offset, target);
  }
}

function makeSource(source: OpenSource): SessionSource {
  switch (source.kind) {
    case 'bytes': return slowReadMs > 0 ? new SlowBytesSource(source.bytes) : new BytesSource(source.bytes);
    case 'path': return new NodeFileSource(source.path);
    default: throw new Error(`cannot open ${source.kind} here`);
  }
}

/** Every message the session sent, in order, for tests that look at progress. */
let sent: WorkerMessage[];

function connect(session: DumpSession): DumpClient {
  const endpoint: MessageEndpoint = {
    onmessage: null,
    postMessage(message) {
      const request = message as Request;
      const deliver = (data: WorkerMessage) => {
        sent.push(data);
        endpoint.onmessage?.({ data } as MessageEvent);
      };
      void session.handle(request, (progress) => deliver({ inReplyTo: request.id, progress })).then(deliver);
    },
  };
  return new DumpClient(endpoint);
}

let session: DumpSession;
afterEach(async () => {
  await session.handle({ id: 0, type: 'close', body: {} });
});

function newClient(slowMs = 0): DumpClient {
  slowReadMs = slowMs;
  sent = [];
  session = new DumpSession(() => loadModule(), makeSource);
  return connect(session);
}

const path = (name: string): OpenSource => ({ kind: 'path', path: fixture(name) });

describe('DumpSession through DumpClient', () => {
  it('opens a dump and replies with its summary and header fields', async () => {
    const client = newClient();
    const reply = await client.request('open', { source: { kind: 'bytes', bytes: new Uint8Array(readFileSync(fixture('full-two-runs.dmp'))) } });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.body.summary.header.signature).toBe('PAGEDU64');
    expect(reply.body.summary.bugcheck.code).toBe('0x3b');
    expect(reply.body.summary.physicalMemory.pages).toBe(6);
    expect(reply.body.headerFields.length).toBeGreaterThan(0);
    expect(reply.body.fileSize).toBe(statSync(fixture('full-two-runs.dmp')).size);
  });

  it('reads the file, physical and virtual memory', async () => {
    const client = newClient();
    await client.request('open', { source: path('full-two-runs.dmp') });  // PFNs 0x1-0x4 and 0x10-0x11, no page tables
    const head = await client.request('readFile', { offset: '0x0', length: 512 });
    expect(head.ok && head.body).toMatchObject({ address: '0x0' });
    expect(head.ok && new TextDecoder().decode(head.body.bytes.subarray(0, 8))).toBe('PAGEDU64');
    const physical = await client.request('readPhysical', { address: '0x4ff8', length: 64 });
    expect(physical.ok && physical.body.bytes.length).toBe(8);
    const missing = await client.request('readPhysical', { address: '0x5000', length: 64 });
    expect(!missing.ok && missing.error).toMatchObject({ code: 'page-not-in-dump', where: '0x5000' });
    const virtual = await client.request('readVirtual', { address: '0xfffff80312340000', length: 8 });
    expect(!virtual.ok && virtual.error.code).toBe('page-table-page-missing');
    const translated = await client.request('translate', { address: '0xfffff80312340000', dtb: '0x1aa000' });
    expect(!translated.ok && translated.error.where).toBe('0xfffff80312340000');
  });

  it('splits a read bigger than the binding allows and stops at the end of the file', async () => {
    const client = newClient();
    const bytes = new Uint8Array(40 * 1024 * 1024);
    bytes.set(readFileSync(fixture('sample.dmp')));
    for (let i = 0x8000; i < bytes.length; i += 4096) bytes[i] = i % 251;
    await client.request('open', { source: { kind: 'bytes', bytes } });
    const all = await client.request('readFile', { offset: '0x10', length: 64 * 1024 * 1024 });
    expect(all.ok && all.body.bytes.length).toBe(bytes.length - 0x10);
    expect(all.ok && Buffer.from(all.body.bytes).equals(Buffer.from(bytes.subarray(0x10)))).toBe(true);
    const tooBig = await client.request('readFile', { offset: '0x0', length: 64 * 1024 * 1024 + 1 });
    expect(!tooBig.ok && tooBig.error.code).toBe('bad-request');
  });

  it('answers the memory map, next page and address-space questions', async () => {
    const client = newClient();
    await client.request('open', { source: path('full-two-runs.dmp') });
    expect(await client.request('physicalRanges', {})).toMatchObject({ ok: true, body: { ranges: [{ base: '0x1000', pages: 4 }, { base: '0x10000', pages: 2 }] } });
    expect(await client.request('nextPhysicalPage', { pfn: '0x5' })).toMatchObject({ ok: true, body: { pfn: '0x10' } });
    expect(await client.request('virtualMemory', {})).toMatchObject({ ok: true, body: { mode: 'x64', pointerSize: 8, dtb: '0x1aa000', regions: [] } });
    const stats = await client.request('stats', {});
    expect(stats.ok && stats.body.wasmHeapBytes).toBeGreaterThan(0);
  });

  it('replies with the core error for a user-mode minidump', async () => {
    const client = newClient();
    const reply = await client.request('open', { source: path('user-minidump.dmp') });
    expect(!reply.ok && reply.error.code).toBe('user-mode-minidump');
  });

  it('says when the source cannot be opened', async () => {
    const client = newClient();
    const reply = await client.request('open', { source: { kind: 'path', path: '/nonexistent/dump.dmp' } });
    expect(!reply.ok && reply.error).toMatchObject({ code: 'source-failed', message: expect.stringContaining('ENOENT') });
  });

  it('refuses requests when no dump is open, and bad arguments', async () => {
    const client = newClient();
    const reply = await client.request('readFile', { offset: '0x0', length: 16 });
    expect(!reply.ok && reply.error.code).toBe('bad-request');
    await client.request('open', { source: path('sample.dmp') });
    const badOffset = await client.request('readFile', { offset: '0x20000000000000', length: 16 });
    expect(!badOffset.ok && badOffset.error.code).toBe('bad-request');
    const badAddress = await client.request('readPhysical', { address: '12' as `0x${string}`, length: 16 });
    expect(!badAddress.ok && badAddress.error.code).toBe('bad-request');
    const badSearch = await client.request('search', { space: 'file', pattern: new Uint8Array(0) });
    expect(!badSearch.ok && badSearch.error.code).toBe('bad-request');
    const badSpace = await client.request('search', { space: 'disk' as 'file', pattern: new Uint8Array(1) });
    expect(!badSpace.ok && badSpace.error.code).toBe('bad-request');
  });

  it('answers concurrent requests by id, in order', async () => {
    const client = newClient();
    void client.request('open', { source: path('sample.dmp') });
    const [a, b] = await Promise.all([
      client.request('readFile', { offset: '0x0', length: 4 }),
      client.request('readFile', { offset: '0x4', length: 4 }),
    ]);
    expect(a.ok && new TextDecoder().decode(a.body.bytes)).toBe('PAGE');
    expect(b.ok && new TextDecoder().decode(b.body.bytes)).toBe('DU64');
  });

  it('reports a module that failed to load', async () => {
    sent = [];
    session = new DumpSession(() => Promise.reject(new Error('no wasm')), makeSource);
    const reply = await session.handle({ id: 7, type: 'open', body: { source: path('sample.dmp') } });
    expect(reply).toMatchObject({ inReplyTo: 7, ok: false, error: { code: 'wasm-load-failed' } });
  });
});

describe('search through the protocol', () => {
  // A 24 MiB dump file: the sample's header and pages, then zeros with a marker near the end.
  function bigDump(): Uint8Array {
    const sample = readFileSync(fixture('sample.dmp'));
    const bytes = new Uint8Array(24 * 1024 * 1024);
    bytes.set(sample);
    bytes.set(new TextEncoder().encode('NEEDLE'), bytes.length - 100);
    return bytes;
  }

  it('finds ASCII and UTF-16 text in the file', async () => {
    const client = newClient();
    await client.request('open', { source: path('sample.dmp') });
    const ascii = await client.request('search', { space: 'file', pattern: encodePattern({ ascii: 'kdmpview sample dump' }) });
    expect(ascii).toMatchObject({ ok: true, body: { matches: ['0xfb0'], truncated: false, cancelled: false } });
    const wide = await client.request('search', { space: 'file', pattern: encodePattern({ utf16: 'PA' }) });
    expect(wide.ok && wide.body.matches).toEqual([]);
  });

  it('finds physical memory patterns at their physical addresses', async () => {
    const client = newClient();
    await client.request('open', { source: path('full-two-runs.dmp') });
    const pattern = new Uint8Array(new BigUint64Array([0x11000n]).buffer);
    const reply = await client.request('search', { space: 'physical', pattern });
    expect(reply).toMatchObject({ ok: true, body: { matches: ['0x11000'], scanned: 6 * 0x1000 } });
    const file = await client.request('search', { space: 'file', pattern });
    expect(file.ok && file.body.matches).toEqual(['0x7000']);  // the 6th stored page: 0x2000 + 5 * 0x1000
  });

  it('sends progress before the reply, answers reads while it runs, and stops on cancel', async () => {
    const client = newClient(20);  // 6 reads of 4 MiB, 20 ms each: the search lasts about 120 ms
    await client.request('open', { source: { kind: 'bytes', bytes: bigDump() } });
    let firstProgress!: () => void;
    const progressSeen = new Promise<void>((resolve) => (firstProgress = resolve));
    const search = client.start('search', { space: 'file', pattern: encodePattern({ ascii: 'NEEDLE' }) }, () => firstProgress());
    // Reads are answered while the search runs (it gives the event loop a turn every 30 ms).
    const read = await client.request('readFile', { offset: '0x0', length: 8 });
    expect(read.ok && new TextDecoder().decode(read.body.bytes)).toBe('PAGEDU64');
    await progressSeen;
    expect(await client.request('cancel', { requestId: search.id })).toMatchObject({ ok: true, body: { cancelled: true } });
    const reply = await search.reply;
    expect(reply).toMatchObject({ ok: true, body: { cancelled: true, matches: [] } });
    expect(reply.ok && reply.body.scanned).toBeLessThan(24 * 1024 * 1024);
    const order = sent.filter((m) => m.inReplyTo === search.id).map((m) => ('progress' in m ? 'progress' : 'reply'));
    expect(order[0]).toBe('progress');
    expect(order[order.length - 1]).toBe('reply');
    expect(order.filter((o) => o === 'reply')).toHaveLength(1);
  });

  it('runs to the end and finds the marker, with progress up to the total', async () => {
    const client = newClient();
    await client.request('open', { source: { kind: 'bytes', bytes: bigDump() } });
    const progress: number[] = [];
    const reply = await client.request('search', { space: 'file', pattern: encodePattern({ hex: '4e 45 45 44 4c 45' }) }, (p) => progress.push(p.done / p.total));
    expect(reply).toMatchObject({ ok: true, body: { matches: [`0x${(24 * 1024 * 1024 - 100).toString(16)}`], cancelled: false, scanned: 24 * 1024 * 1024 } });
    expect(progress.every((p) => p > 0 && p <= 1)).toBe(true);
  });

  it('a search sent after close and open searches the new dump', async () => {
    const client = newClient(20);
    await client.request('open', { source: { kind: 'bytes', bytes: bigDump() } });
    const first = client.request('search', { space: 'file', pattern: encodePattern({ ascii: 'NEEDLE' }) });
    void client.request('close', {});
    void client.request('open', { source: path('full-two-runs.dmp') });
    const second = client.request('search', { space: 'file', pattern: encodePattern({ ascii: 'PAGEDU64' }) });
    expect(await first).toMatchObject({ ok: true, body: { cancelled: true } });
    expect(await second).toMatchObject({ ok: true, body: { cancelled: false, matches: ['0x0'] } });
  });

  it('cancelling an unknown id says so', async () => {
    const client = newClient();
    expect(await client.request('cancel', { requestId: 12345 })).toMatchObject({ ok: true, body: { cancelled: false } });
  });

  it('closing the dump ends its searches as cancelled', async () => {
    const client = newClient(20);
    await client.request('open', { source: { kind: 'bytes', bytes: bigDump() } });
    const search = client.request('search', { space: 'file', pattern: encodePattern({ ascii: 'nothing like this' }) });
    await client.request('close', {});
    expect(await search).toMatchObject({ ok: true, body: { cancelled: true } });
  });
});
