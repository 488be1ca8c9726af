// Batched reads through the TypeScript API (readVirtualBatch, readPhysicalBatch over the protocol's readBatch): the
// same bytes as single reads, per-read lengths and errors, and the session's checks of what it is sent.
import { afterEach, describe, expect, it } from 'vitest';
import { KdmpError } from '../../web/src/api/errors';
import { openDumpInProcess } from '../../web/src/api/node';
import type { DumpHandle } from '../../web/src/api/types';
import type { OpenSource } from '../../web/src/protocol';
import { DumpSession } from '../../web/src/worker/session';
import { BytesSource } from '@wasm/bytes-source';
import { PageTables } from '../wasm/dump-builder';
import { loadModule, paths } from '../wasm/support';

const handles: DumpHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

const kernel = 0xfffff80312340000n;

function dumpBytes(): Uint8Array {
  const tables = new PageTables('x64');
  for (let i = 0; i < 16; ++i) tables.map(kernel + BigInt(i * 0x1000), 0x20000 + ((i * 7 + 5) % 16) * 0x1000);
  tables.map(0xffffd00000000000n, 0x400000, 0x200000);
  return tables.build();
}

async function open(): Promise<DumpHandle> {
  const dump = await openDumpInProcess(dumpBytes(), { wasmPath: paths.wasm });
  handles.push(dump);
  return dump;
}

const u64 = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, true);

describe('readVirtualBatch and readPhysicalBatch', () => {
  it('give what readVirtual gives one by one, with offsets, lengths and errors', async () => {
    const dump = await open();
    const addresses: bigint[] = [];
    for (let i = 0; i < 2000; ++i) addresses.push(kernel + BigInt((i * 7919) % 0x12000));  // the last 8 KiB unmapped
    const result = await dump.readVirtualBatch(addresses, 8);
    expect(result.offsets[1999]).toBe(8 * 1999);
    let failed = 0;
    for (let i = 0; i < addresses.length; ++i) {
      const single = await dump.readVirtual(addresses[i]!, 8).catch((e: unknown) => e as KdmpError);
      const got = result.bytes.subarray(result.offsets[i], result.offsets[i]! + result.lengths[i]!);
      if (single instanceof KdmpError) {
        ++failed;
        expect(result.lengths[i]).toBe(0);
        expect(result.errors[i]).toBe(single.code);
      } else {
        expect(got).toEqual(single);
        expect(result.errors[i]).toBe(single.length === 8 ? null : 'not-present');
      }
    }
    expect(failed).toBeGreaterThan(100);
    expect(failed).toBeLessThan(500);
  }, 60_000);

  it('take typed arrays, a length per read and a dtb, and leave the caller\'s arrays usable', async () => {
    const dump = await open();
    const addresses = BigUint64Array.from([kernel + 0xff8n, 0xffffd00000123450n, kernel + 0x10000n]);
    const lengths = Uint32Array.from([16, 4, 8]);
    const { dtb } = await dump.virtualMemory();
    const result = await dump.readVirtualBatch(addresses, lengths, { dtb: dtb! });
    expect(Array.from(result.offsets)).toEqual([0, 16, 20]);
    expect(Array.from(result.lengths)).toEqual([16, 4, 0]);
    expect(result.errors).toEqual([null, null, 'not-present']);
    // Page 0 is at gpa 0x25000, page 1 at 0x2c000.
    expect([u64(result.bytes, 0), u64(result.bytes, 8)]).toEqual([0x25ff8n, 0x2c000n]);
    expect(Array.from(result.bytes.subarray(16, 20))).toEqual([0x50, 0x34, 0x52, 0x00]);
    expect(addresses.length).toBe(3);  // not transferred away
    expect(lengths[0]).toBe(16);

    const physical = await dump.readPhysicalBatch([0x25ff8n, 0x2fff8n, 0x30000n], [8, 16, 8]);
    expect(u64(physical.bytes, 0)).toBe(0x25ff8n);
    expect(u64(physical.bytes, 8)).toBe(0x2fff8n);
    expect(Array.from(physical.lengths)).toEqual([8, 8, 0]);
    expect(physical.errors).toEqual([null, 'page-not-in-dump', 'page-not-in-dump']);
  });

  it('reject bad addresses and lengths, and batches over the bounds', async () => {
    const dump = await open();
    await expect(dump.readVirtualBatch([-1n], 8)).rejects.toThrow(RangeError);
    await expect(dump.readVirtualBatch([1n << 64n], 8)).rejects.toThrow(RangeError);
    await expect(dump.readVirtualBatch([0n, 8n], [8])).rejects.toThrow('2 addresses but 1 lengths');
    await expect(dump.readPhysicalBatch([0n], 1.5)).rejects.toThrow(RangeError);
    await expect(dump.readPhysicalBatch([0n, 0n], [1 << 24, 1])).rejects.toMatchObject({ code: 'bad-request' });
  });
});

describe('the session checks a readBatch request', () => {
  it('answers bad-request for what the page must not send', async () => {
    const session = new DumpSession(() => loadModule(), (source: OpenSource) => {
      if (source.kind !== 'bytes') throw new Error('bytes only');
      return new BytesSource(source.bytes);
    });
    const opened = await session.handle({ id: 1, type: 'open', body: { source: { kind: 'bytes', bytes: dumpBytes() } } });
    expect(opened.ok).toBe(true);
    const send = async (body: object) => {
      const reply = await session.handle({ id: 2, type: 'readBatch', body } as never);
      return reply.ok ? 'ok' : `${reply.error.code}: ${reply.error.message}`;
    };
    const one = { space: 'virtual', addresses: BigUint64Array.from([kernel]), lengths: Uint32Array.from([8]) };
    expect(await send(one)).toBe('ok');
    expect(await send({ ...one, space: 'file' })).toBe('bad-request: readBatch: space must be "physical" or "virtual"');
    expect(await send({ ...one, addresses: [kernel] })).toBe('bad-request: readBatch: addresses must be a BigUint64Array and lengths a Uint32Array');
    expect(await send({ ...one, lengths: Uint32Array.from([8, 8]) })).toBe('bad-request: readBatch: 1 addresses but 2 lengths');
    expect(await send({ space: 'physical', addresses: new BigUint64Array((1 << 18) + 1), lengths: new Uint32Array((1 << 18) + 1) }))
      .toBe('bad-request: readBatch: at most 262144 reads, not 262145');
    expect(await send({ space: 'physical', addresses: new BigUint64Array(2), lengths: Uint32Array.from([1 << 24, 1]) }))
      .toBe('bad-request: readBatch: at most 16777216 bytes in all, not 16777217');
    expect(await send({ ...one, space: 'physical', dtb: '0x1000' })).toBe('bad-request: readBatch: dtb must be a "0x..." value, for virtual reads');
    await session.handle({ id: 3, type: 'close', body: {} });
  });
});
