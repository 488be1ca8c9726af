// The worker's session and the page's client, talking over an in-memory channel, with the real wasm module.
import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BytesSource } from '@wasm/bytes-source';
import { DumpClient, type MessageEndpoint } from '../../web/src/client';
import type { Request } from '../../web/src/protocol';
import { DumpSession } from '../../web/src/worker/session';
import { fixture, loadModule } from '../wasm/support';

// Node has Blob but no FileReaderSync: the test's source factory looks up the bytes each Blob was made from.
const bytesOf = new WeakMap<Blob, Uint8Array>();
function blobOf(name: string): Blob {
  const bytes = new Uint8Array(readFileSync(fixture(name)));
  const blob = new Blob([bytes]);
  bytesOf.set(blob, bytes);
  return blob;
}

function connect(session: DumpSession): DumpClient {
  const endpoint: MessageEndpoint = {
    onmessage: null,
    postMessage(message) {
      void session.handle(message as Request).then((reply) => endpoint.onmessage?.({ data: reply } as MessageEvent));
    },
  };
  return new DumpClient(endpoint);
}

let session: DumpSession;
afterEach(async () => {
  await session.handle({ id: 0, type: 'close', body: {} });
});

function newClient(): DumpClient {
  session = new DumpSession(loadModule(), (blob) => new BytesSource(bytesOf.get(blob)!));
  return connect(session);
}

describe('DumpSession through DumpClient', () => {
  it('opens a dump and replies with its summary and header fields', async () => {
    const client = newClient();
    const reply = await client.request('open', { file: blobOf('full-two-runs.dmp') });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.body.summary.header.signature).toBe('PAGEDU64');
    expect(reply.body.summary.bugcheck.code).toBe('0x3b');
    expect(reply.body.headerFields.length).toBeGreaterThan(0);
    expect(reply.body.fileSize).toBe(statSync(fixture('full-two-runs.dmp')).size);
  });

  it('reads the first bytes of the open file', async () => {
    const client = newClient();
    await client.request('open', { file: blobOf('sample.dmp') });
    const reply = await client.request('readFile', { offset: 0, length: 512 });
    expect(reply.ok && reply.body.bytes.length).toBe(512);
    expect(reply.ok && new TextDecoder().decode(reply.body.bytes.subarray(0, 8))).toBe('PAGEDU64');
  });

  it('replies with the core error for a user-mode minidump', async () => {
    const client = newClient();
    const reply = await client.request('open', { file: blobOf('user-minidump.dmp') });
    expect(!reply.ok && reply.error.code).toBe('user-mode-minidump');
  });

  it('refuses to read when no dump is open', async () => {
    const client = newClient();
    const reply = await client.request('readFile', { offset: 0, length: 16 });
    expect(!reply.ok && reply.error.code).toBe('bad-request');
  });

  it('answers concurrent requests by id', async () => {
    const client = newClient();
    await client.request('open', { file: blobOf('sample.dmp') });
    const [a, b] = await Promise.all([
      client.request('readFile', { offset: 0, length: 4 }),
      client.request('readFile', { offset: 4, length: 4 }),
    ]);
    expect(a.ok && new TextDecoder().decode(a.body.bytes)).toBe('PAGE');
    expect(b.ok && new TextDecoder().decode(b.body.bytes)).toBe('DU64');
  });

  it('reports a module that failed to load', async () => {
    session = new DumpSession(Promise.reject(new Error('no wasm')), () => new BytesSource(new Uint8Array()));
    const reply = await session.handle({ id: 7, type: 'open', body: { file: new Blob([]) } });
    expect(reply).toMatchObject({ inReplyTo: 7, ok: false, error: { code: 'wasm-load-failed' } });
  });
});
