// DumpHandle over the protocol: converts bigint <-> "0x..." strings and failed replies into KdmpError rejections.
// The transport (a worker in the browser, the in-process session under Node) is the caller's.
import { DumpClient } from '../client';
import { fromHex, toHex } from '../hex';
import { encodeMaskedPattern } from '../pattern';
import { WorkerErrorCode, type OpenReply, type OpenSource, type Reply, type RequestType, type Requests } from '../protocol';
import type { Summary } from '../summary';
import { KdmpError } from './errors';
import type { BatchReadResult, DumpHandle, FileRegion, SymbolFileInput, SymbolFileStatus, PhysicalRange, SearchQuery, SearchResult, SearchTask, Translation, VirtualMemoryInfo } from './types';

const TWO_64 = 1n << 64n;

function unwrap<T extends RequestType>(reply: Reply<T>): Requests[T]['reply'] {
  if (!reply.ok) throw new KdmpError(reply.error);
  return reply.body;
}

/** Sends `open` and wraps the answer; on failure calls dispose() and rejects with the KdmpError. */
/** How a symbol file's data travels to the session: a worker reads a Blob in place; Node reads it into bytes first. */
export type SymbolSourceMaker = (data: Blob | Uint8Array) => Promise<OpenSource>;
const inPlace: SymbolSourceMaker = async (data) => (data instanceof Uint8Array ? { kind: 'bytes', bytes: data } : { kind: 'blob', blob: data });

export async function openWithClient(client: DumpClient, source: OpenSource, wasmUrl: string | undefined, dispose: () => void,
  symbolSource: SymbolSourceMaker = inPlace): Promise<DumpHandle> {
  const reply = await client.request('open', wasmUrl === undefined ? { source } : { source, wasmUrl });
  if (!reply.ok) {
    dispose();
    throw new KdmpError(reply.error);
  }
  return new RemoteDump(client, reply.body, dispose, symbolSource);
}

/** A batch's addresses and lengths as fresh typed arrays (`asked` keeps the lengths once the arrays are transferred);
 *  RangeError for an address outside 0 .. 2^64 - 1, a length that is not a 32-bit count, or arrays of two sizes. */
function batchArrays(addresses: BigUint64Array | bigint[], lengths: number | Uint32Array | number[]) {
  const n = addresses.length;
  const a = new BigUint64Array(n);
  for (let i = 0; i < n; ++i) {
    const address = addresses[i]!;
    if (typeof address !== 'bigint' || address < 0n || address >= TWO_64) throw new RangeError(`address ${i} must be a bigint from 0 to 2^64 - 1`);
    a[i] = address;
  }
  const l = new Uint32Array(n);
  if (typeof lengths === 'number') {
    if (!Number.isInteger(lengths) || lengths < 0 || lengths > 0xffffffff) throw new RangeError('the length must be an integer from 0 to 2^32 - 1');
    l.fill(lengths);
  } else {
    if (lengths.length !== n) throw new RangeError(`${n} addresses but ${lengths.length} lengths`);
    for (let i = 0; i < n; ++i) {
      const length = lengths[i]!;
      if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) throw new RangeError(`length ${i} must be an integer from 0 to 2^32 - 1`);
      l[i] = length;
    }
  }
  return { addresses: a, lengths: l, asked: l.slice() };
}

class RemoteDump implements DumpHandle {
  readonly fileSize: bigint;
  readonly headerFields: OpenReply['headerFields'];
  private summaryDocument: Summary;
  private closed = false;

  constructor(private readonly client: DumpClient, opened: OpenReply, private readonly dispose: () => void,
    private readonly symbolSource: SymbolSourceMaker) {
    this.fileSize = BigInt(opened.fileSize);
    this.headerFields = opened.headerFields;
    this.summaryDocument = opened.summary;
  }

  private async call<T extends RequestType>(type: T, body: Requests[T]['body']): Promise<Requests[T]['reply']> {
    if (this.closed) throw new KdmpError({ code: WorkerErrorCode.badRequest, message: 'the dump is closed' });
    return unwrap(await this.client.request(type, body));
  }

  async summary(): Promise<Summary> {
    return structuredClone(this.summaryDocument);
  }

  async addSymbols(files: SymbolFileInput[]): Promise<SymbolFileStatus[]> {
    const body = await Promise.all(files.map(async (f) => ({ name: f.name, source: await this.symbolSource('data' in f ? f.data : f) })));
    const reply = await this.call('addSymbols', { files: body });
    this.summaryDocument = reply.summary;
    return reply.files;
  }

  async symbolize(addresses: bigint[]): Promise<(string | null)[]> {
    return (await this.call('symbolize', { addresses: addresses.map(toHex) })).symbols;
  }

  async resolveSymbol(expression: string): Promise<bigint | null> {
    const { address } = await this.call('resolveSymbol', { expression });
    return address === null ? null : fromHex(address);
  }

  async readFile(offset: bigint, length: number): Promise<Uint8Array> {
    return (await this.call('readFile', { offset: toHex(offset), length })).bytes;
  }

  async readPhysical(address: bigint, length: number): Promise<Uint8Array> {
    return (await this.call('readPhysical', { address: toHex(address), length })).bytes;
  }

  async readVirtual(address: bigint, length: number, options: { dtb?: bigint } = {}): Promise<Uint8Array> {
    const body = { address: toHex(address), length };
    return (await this.call('readVirtual', options.dtb === undefined ? body : { ...body, dtb: toHex(options.dtb) })).bytes;
  }

  async readPhysicalBatch(addresses: BigUint64Array | bigint[], lengths: number | Uint32Array | number[]): Promise<BatchReadResult> {
    return this.readBatch('physical', addresses, lengths, undefined);
  }

  async readVirtualBatch(addresses: BigUint64Array | bigint[], lengths: number | Uint32Array | number[],
    options: { dtb?: bigint } = {}): Promise<BatchReadResult> {
    return this.readBatch('virtual', addresses, lengths, options.dtb);
  }

  private async readBatch(space: 'physical' | 'virtual', addresses: BigUint64Array | bigint[], lengths: number | Uint32Array | number[],
    dtb: bigint | undefined): Promise<BatchReadResult> {
    if (this.closed) throw new KdmpError({ code: WorkerErrorCode.badRequest, message: 'the dump is closed' });
    // Our own copies, handed over to the worker (the caller's arrays stay usable).
    const batch = batchArrays(addresses, lengths);
    const body = { space, addresses: batch.addresses, lengths: batch.lengths, ...(dtb !== undefined ? { dtb: toHex(dtb) } : {}) };
    const reply = unwrap(await this.client.request('readBatch', body, undefined, [batch.addresses.buffer, batch.lengths.buffer]));
    const offsets = new Uint32Array(reply.done.length);
    let offset = 0;
    for (let i = 0; i < offsets.length; ++i) {
      offsets[i] = offset;
      offset += batch.asked[i]!;
    }
    const errors = Array.from(reply.stops, (stop) => (stop === 0 ? null : reply.codes[stop] ?? 'unknown'));
    return { bytes: reply.bytes, offsets, lengths: reply.done, errors };
  }

  async translate(address: bigint, options: { dtb?: bigint } = {}): Promise<Translation> {
    const body = { address: toHex(address) };
    const t = await this.call('translate', options.dtb === undefined ? body : { ...body, dtb: toHex(options.dtb) });
    return { ...t, gpa: fromHex(t.gpa), pageBase: fromHex(t.pageBase) };
  }

  async physicalRanges(): Promise<PhysicalRange[]> {
    return (await this.call('physicalRanges', {})).ranges.map((r) => ({ base: fromHex(r.base), pages: r.pages }));
  }

  async nextPhysicalPage(pfn: bigint): Promise<bigint | null> {
    const { pfn: next } = await this.call('nextPhysicalPage', { pfn: toHex(pfn) });
    return next === null ? null : fromHex(next);
  }

  async virtualMemory(): Promise<VirtualMemoryInfo> {
    const info = await this.call('virtualMemory', {});
    return {
      mode: info.mode,
      pointerSize: info.pointerSize,
      dtb: info.dtb === null ? null : fromHex(info.dtb),
      regions: info.regions.map((r) => ({ address: fromHex(r.address), size: r.size, kind: r.kind })),
    };
  }

  async nextMappedVirtual(address: bigint, options: { dtb?: bigint } = {}): Promise<bigint | null> {
    const body = { address: toHex(address) };
    const reply = await this.call('nextMappedVirtual', options.dtb === undefined ? body : { ...body, dtb: toHex(options.dtb) });
    return reply.address === null ? null : fromHex(reply.address);
  }

  async fileLayout(): Promise<FileRegion[]> {
    const { regions } = await this.call('fileLayout', {});
    return regions.map((r) => ({ kind: r.kind, name: r.name, offset: fromHex(r.offset), size: fromHex(r.size) }));
  }

  search(query: SearchQuery): SearchTask {
    let pattern: Uint8Array;
    let mask: Uint8Array | null;
    try {
      ({ bytes: pattern, mask } = encodeMaskedPattern(query.pattern));
      if (this.closed) throw new KdmpError({ code: WorkerErrorCode.badRequest, message: 'the dump is closed' });
      if (query.start !== undefined && (query.start < 0n || query.start >= TWO_64)) throw new RangeError('start must be from 0 to 2^64 - 1');
      if (query.end !== undefined && (query.end < 0n || query.end > TWO_64)) throw new RangeError('end must be from 0 to 2^64');
    } catch (e) {
      return { results: Promise.reject(e instanceof Error ? e : new Error(String(e))), cancel: () => {} };
    }
    const body = {
      space: query.space,
      pattern,
      ...(mask ? { mask } : {}),
      ...(query.start !== undefined ? { start: toHex(query.start) } : {}),
      // 2^64 is the default end: it has no 16-digit spelling.
      ...(query.end !== undefined && query.end < TWO_64 ? { end: toHex(query.end) } : {}),
      ...(query.dtb !== undefined ? { dtb: toHex(query.dtb) } : {}),
      ...(query.maxResults !== undefined ? { maxResults: query.maxResults } : {}),
    };
    const pending = this.client.start('search', body, query.onProgress);
    const results = pending.reply.then((reply): SearchResult => {
      const r = unwrap(reply);
      return { matches: r.matches.map(fromHex), truncated: r.truncated, cancelled: r.cancelled, scanned: r.scanned };
    });
    return { results, cancel: () => void this.client.request('cancel', { requestId: pending.id }) };
  }

  async stats(): Promise<{ wasmHeapBytes: number }> {
    return this.call('stats', {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.request('close', {});
    this.dispose();
  }
}
