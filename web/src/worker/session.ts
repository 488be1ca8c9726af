// The worker's side of the protocol: holds the open dump and answers requests. It runs without a DOM, so the same
// class serves the browser's worker (worker.ts, over BlobSource or HttpRangeSource) and Node, in-process (over
// NodeFileSource); the tests drive it in Node.
//
// Requests are handled in the order they arrive, one at a time, except that a search, once started, runs in the
// background (a chunk at a time, giving the event loop a turn in between), so reads and a `cancel` are answered
// while it runs. Opening or closing a dump ends the searches running on the previous one (as cancelled).
import type { DumpHandle, JsByteSource, KdmpModule } from '@wasm/kdmpview';
import { fromHex, hexToSafeNumber, isHex, toHex } from '../hex';
import { MAX_PATTERN_BYTES } from '../pattern';
import {
  MAX_BATCH_BYTES, MAX_BATCH_READS, WorkerErrorCode, type BatchBody, type BytesReply, type OpenBody, type OpenSource, type Progress, type Reply, type ReplyError,
  type Request, type Requests, type RequestType, type SearchBody, type SymbolFileBody, type SymbolFileStatus,
} from '../protocol';
import { parseSummary } from '../summary';
import { runSearch, scanFile, SearchFailure, walkFile, walkPhysical, walkPhysicalBytes, walkVirtual, type Walk } from './search';

/** Bytes one read request returns at most: the page asks for screenfuls, not whole dumps. Bigger reads are split
 *  into calls of the binding's 16 MiB maximum, so the wasm heap stays small. */
export const MAX_READ = 64 * 1024 * 1024;
const BINDING_READ = 16 * 1024 * 1024;
export const DEFAULT_MAX_RESULTS = 1000;
export const MAX_RESULTS = 100_000;
const TOP_OF_64_BITS = (1n << 64n) - 1n;

/** A byte source the session can close when the dump is (NodeFileSource has close()). */
export type SessionSource = JsByteSource & { close?(): void };

/** Turns an open request's source into a byte source; may throw (the error's message is shown). */
export type SourceFactory = (source: OpenSource) => SessionSource;

/** Loads the wasm module; `wasmUrl` is the open request's, when it has one. Called once. */
export type ModuleLoader = (wasmUrl?: string) => Promise<KdmpModule>;

type Outcome<T extends RequestType> = { ok: true; body: Requests[T]['reply'] } | { ok: false; error: ReplyError };

const badRequest = (message: string): { ok: false; error: ReplyError } => ({ ok: false, error: { code: WorkerErrorCode.badRequest, message } });

export class DumpSession {
  private module: Promise<KdmpModule> | undefined;
  private dump: DumpHandle | undefined;
  private source: SessionSource | undefined;
  /** The symbol files' sources, closed with the dump; the ones that were neither PDB nor image, by name. */
  private symbolSources: SessionSource[] = [];
  private symbolErrors: { name: string; error: string }[] = [];
  /** Running searches by request id: set `cancelled` to stop one. */
  private readonly searches = new Map<number, { cancelled: boolean }>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly loadModule: ModuleLoader, private readonly makeSource: SourceFactory) {}

  /**
   * Answers one request: resolves with the final reply, never rejects. A search reports progress through
   * onProgress first.
   */
  handle(request: Request, onProgress?: (progress: Progress) => void): Promise<Reply> {
    // Cancel jumps the queue: the search it stops is what would hold the queue up.
    if (request.type === 'cancel') return Promise.resolve(this.reply(request.id, this.cancel(request.body.requestId)));
    let search: Promise<Outcome<'search'>> | undefined;
    // A search can be cancelled from the moment it arrives, even while it waits for its turn.
    const control = { cancelled: false };
    if (request.type === 'search') this.searches.set(request.id, control);
    const turn = this.tail.then(async () => {
      if (request.type !== 'search') return this.dispatch(request);
      // A search takes its turn only to start (the dump it searches is the one open at this point in the queue).
      search = this.startSearch(request.body, control, onProgress ?? (() => {})).finally(() => this.searches.delete(request.id));
      return undefined;
    });
    this.tail = turn.catch(() => {});
    return turn
      .then(async (outcome) => outcome ?? (await search!))
      .then((outcome) => this.reply(request.id, outcome), (e: unknown) => this.reply(request.id, internal(e)));
  }

  private reply(id: number, outcome: Outcome<RequestType>): Reply {
    return outcome.ok ? { inReplyTo: id, ok: true, body: outcome.body } : { inReplyTo: id, ok: false, error: outcome.error };
  }

  private async dispatch(request: Request): Promise<Outcome<RequestType>> {
    try {
      switch (request.type) {
        case 'open': return await this.open(request.body);
        case 'close': this.close(); return { ok: true, body: {} };
        case 'warm':
          await this.module_(request.body.wasmUrl);
          return { ok: true, body: {} };
        case 'stats': return await this.stats();
        default: break;
      }
      const dump = this.dump;
      if (!dump) return badRequest('no dump is open');
      switch (request.type) {
        case 'readFile': {
          const offset = isHex(request.body.offset) ? hexToSafeNumber(request.body.offset) : null;
          if (offset === null) return badRequest('readFile: offset must be a "0x..." value below 2^53');
          return this.read(request.body.offset, request.body.length, (at, n) => dump.readFile(Number(at), n));
        }
        case 'readPhysical':
          return this.read(request.body.address, request.body.length, (at, n) => dump.readPhysical(toHex(at), n));
        case 'readVirtual': {
          const { dtb } = request.body;
          return this.read(request.body.address, request.body.length,
            (at, n) => dtb === undefined ? dump.readVirtual(toHex(at), n) : dump.readVirtual(toHex(at), n, dtb));
        }
        case 'readBatch': return this.readBatch(dump, request.body);
        case 'translate': {
          const { address, dtb } = request.body;
          const t = dtb === undefined ? dump.translate(address) : dump.translate(address, dtb);
          if (!t.ok) return { ok: false, error: t.error };
          const { ok: _ok, ...translation } = t;
          return { ok: true, body: translation };
        }
        case 'physicalRanges': return { ok: true, body: { ranges: dump.physicalRanges() } };
        case 'nextPhysicalPage': {
          const next = dump.nextPhysicalPage(request.body.pfn);
          return next.ok ? { ok: true, body: { pfn: next.pfn } } : { ok: false, error: next.error };
        }
        case 'nextMappedVirtual': {
          const { address, dtb } = request.body;
          if (!isHex(address) || (dtb !== undefined && !isHex(dtb))) return badRequest('nextMappedVirtual: address and dtb must be "0x..." values');
          const next = dtb === undefined ? dump.nextMappedVirtual(address) : dump.nextMappedVirtual(address, dtb);
          return next.ok ? { ok: true, body: { address: next.address } } : { ok: false, error: next.error };
        }
        case 'fileLayout': return { ok: true, body: { regions: dump.fileLayout() } };
        case 'addSymbols': return this.addSymbols(dump, request.body.files);
        case 'symbolize': {
          const { addresses } = request.body;
          if (!Array.isArray(addresses) || addresses.length > 100_000 || !addresses.every(isHex)) {
            return badRequest('symbolize: addresses must be at most 100000 "0x..." values');
          }
          return { ok: true, body: { symbols: addresses.map((a) => { const r = dump.symbolize(a); return r.ok ? r.symbol : null; }) } };
        }
        case 'resolveSymbol': {
          const { expression } = request.body;
          if (typeof expression !== 'string') return badRequest('resolveSymbol: the expression must be a string');
          const r = dump.resolveSymbol(expression);
          return r.ok ? { ok: true, body: { address: r.address } } : { ok: false, error: r.error };
        }
        case 'virtualMemory': {
          const info = dump.virtualMemoryInfo();
          if (!info.ok) return { ok: false, error: info.error };
          return { ok: true, body: { mode: info.mode, pointerSize: info.pointerSize, dtb: info.dtb, regions: dump.virtualRegions() } };
        }
        default: {
          const unknown: { type?: unknown } = request;
          return badRequest(`unknown request type ${String(unknown.type)}`);
        }
      }
    } catch (e) {
      return internal(e);
    }
  }

  private module_(wasmUrl?: string): Promise<KdmpModule> {
    this.module ??= this.loadModule(wasmUrl);
    return this.module;
  }

  private async open(body: OpenBody): Promise<Outcome<'open'>> {
    let module: KdmpModule;
    try {
      module = await this.module_(body.wasmUrl);
    } catch (e) {
      return { ok: false, error: { code: WorkerErrorCode.wasmLoad, message: `the WebAssembly module did not load: ${String(e)}` } };
    }
    this.close();
    let source: SessionSource;
    try {
      source = this.makeSource(body.source);
    } catch (e) {
      return { ok: false, error: { code: WorkerErrorCode.sourceFailed, message: e instanceof Error ? e.message : String(e) } };
    }
    const result = module.open(source);
    if (!result.ok) {
      source.close?.();
      return { ok: false, error: result.error };
    }
    this.dump = result.dump;
    this.source = source;
    return {
      ok: true,
      body: { summary: parseSummary(result.dump.summaryJson()), headerFields: result.dump.headerFields(), fileSize: result.dump.fileSize() },
    };
  }

  private addSymbols(dump: DumpHandle, files: SymbolFileBody[]): Outcome<'addSymbols'> {
    if (!Array.isArray(files)) return badRequest('addSymbols: files must be an array');
    for (const file of files) {
      let source: SessionSource;
      try {
        source = this.makeSource(file.source);
      } catch (e) {
        this.symbolErrors.push({ name: String(file.name), error: e instanceof Error ? e.message : String(e) });
        continue;
      }
      const added = dump.addSymbolFile(String(file.name), source);
      if (added.ok) {
        this.symbolSources.push(source);
      } else {
        source.close?.();
        this.symbolErrors.push({ name: String(file.name), error: added.error.message });
      }
    }
    const summary = parseSummary(dump.summaryJson());
    const statuses: SymbolFileStatus[] = [
      ...dump.symbolFiles().map((f) => ({ name: f.name, kind: f.kind, used: f.used })),
      ...this.symbolErrors.map((f) => ({ name: f.name, kind: null, used: false, error: f.error })),
    ];
    return { ok: true, body: { summary, files: statuses } };
  }

  /** One read request: split into binding calls of at most 16 MiB, stopping where a call comes back short. */
  private read(address: string, length: number, call: (at: bigint, length: number) => ReturnType<DumpHandle['readFile']>): Outcome<'readFile'> {
    if (!isHex(address)) return badRequest('the address must be a "0x..." 64-bit value');
    if (!Number.isSafeInteger(length) || length < 0 || length > MAX_READ) return badRequest(`length must be an integer from 0 to ${MAX_READ}`);
    const start = fromHex(address);
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < length) {
      const at = start + BigInt(got);
      if (at > TOP_OF_64_BITS) break;
      const want = Math.min(BINDING_READ, length - got);
      const result = call(at, want);
      if (!result.ok) {
        if (got === 0) return { ok: false, error: result.error };
        break;  // what was read so far is the answer: the read stops where memory does
      }
      parts.push(result.bytes);
      got += result.bytes.length;
      if (result.bytes.length < want) break;
    }
    const bytes = parts.length === 1 ? parts[0]! : concat(parts, got);
    const reply: BytesReply = { address: toHex(start), bytes };
    return { ok: true, body: reply };
  }

  private readBatch(dump: DumpHandle, body: BatchBody): Outcome<'readBatch'> {
    const { space, addresses, lengths, dtb } = body;
    if (space !== 'physical' && space !== 'virtual') return badRequest('readBatch: space must be "physical" or "virtual"');
    if (!(addresses instanceof BigUint64Array) || !(lengths instanceof Uint32Array)) {
      return badRequest('readBatch: addresses must be a BigUint64Array and lengths a Uint32Array');
    }
    if (addresses.length !== lengths.length) {
      return badRequest(`readBatch: ${addresses.length} addresses but ${lengths.length} lengths`);
    }
    if (addresses.length > MAX_BATCH_READS) return badRequest(`readBatch: at most ${MAX_BATCH_READS} reads, not ${addresses.length}`);
    let total = 0;
    for (const length of lengths) total += length;
    if (total > MAX_BATCH_BYTES) return badRequest(`readBatch: at most ${MAX_BATCH_BYTES} bytes in all, not ${total}`);
    if (dtb !== undefined && (space !== 'virtual' || !isHex(dtb))) return badRequest('readBatch: dtb must be a "0x..." value, for virtual reads');
    const result = space === 'physical' ? dump.readPhysicalBatch(addresses, lengths)
      : dtb === undefined ? dump.readVirtualBatch(addresses, lengths) : dump.readVirtualBatch(addresses, lengths, dtb);
    if (!result.ok) return { ok: false, error: result.error };
    const { bytes, done, stops, codes } = result;
    return { ok: true, body: { bytes, done, stops, codes } };
  }

  private async stats(): Promise<Outcome<'stats'>> {
    if (!this.module) return { ok: true, body: { wasmHeapBytes: 0 } };
    return { ok: true, body: { wasmHeapBytes: (await this.module).HEAPU8.length } };
  }

  private cancel(requestId: number): Outcome<'cancel'> {
    const search = this.searches.get(requestId);
    if (search) search.cancelled = true;
    return { ok: true, body: { cancelled: search !== undefined } };
  }

  private async startSearch(body: SearchBody, control: { cancelled: boolean }, onProgress: (progress: Progress) => void): Promise<Outcome<'search'>> {
    const dump = this.dump;
    const source = this.source;
    if (!dump || !source) return badRequest('no dump is open');
    const { pattern, space } = body;
    if (!(pattern instanceof Uint8Array) || pattern.length === 0 || pattern.length > MAX_PATTERN_BYTES) {
      return badRequest(`the pattern must be 1 to ${MAX_PATTERN_BYTES} bytes`);
    }
    if (body.mask !== undefined && (!(body.mask instanceof Uint8Array) || body.mask.length !== pattern.length)) {
      return badRequest('the mask must be a Uint8Array as long as the pattern');
    }
    const maxResults = body.maxResults ?? DEFAULT_MAX_RESULTS;
    if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) return badRequest(`maxResults must be from 1 to ${MAX_RESULTS}`);
    for (const key of ['start', 'end', 'dtb'] as const) {
      if (body[key] !== undefined && !isHex(body[key])) return badRequest(`${key} must be a "0x..." 64-bit value`);
    }
    const start = body.start === undefined ? 0n : fromHex(body.start);
    let walk: Walk;
    try {
      switch (space) {
        case 'file': {
          const size = BigInt(dump.fileSize());
          const end = body.end === undefined ? size : minBig(fromHex(body.end), size);
          // A masked pattern is matched in JavaScript; an exact one in the core.
          walk = body.mask ? walkFile(source, Number(minBig(start, end)), Number(end))
            : scanFile(dump, Number(minBig(start, end)), Number(end), pattern, maxResults);
          break;
        }
        case 'physical':
          walk = body.mask ? walkPhysicalBytes(dump, start, body.end === undefined ? 1n << 64n : fromHex(body.end))
            : walkPhysical(dump, start, body.end === undefined ? 1n << 64n : fromHex(body.end), pattern, maxResults);
          break;
        case 'virtual':
          walk = walkVirtual(dump, start, body.end === undefined ? 1n << 64n : fromHex(body.end), body.dtb);
          break;
        default:
          return badRequest(`unknown search space ${String(space)}`);
      }
    } catch (e) {
      return e instanceof SearchFailure ? { ok: false, error: { code: e.code, message: e.message, where: e.where } } : internal(e);
    }
    try {
      const reply = await runSearch(walk, pattern, maxResults, {
        // A closed dump cannot be read any more: its searches end as cancelled.
        cancelled: () => control.cancelled || this.dump !== dump,
        onProgress,
      }, body.mask);
      return { ok: true, body: reply };
    } catch (e) {
      return e instanceof SearchFailure ? { ok: false, error: { code: e.code, message: e.message, where: e.where } } : internal(e);
    }
  }

  // Searches running on this dump stop at their next chunk (they check that their dump is still the open one);
  // searches still waiting for their turn will search whatever is open then.
  private close(): void {
    this.dump?.delete();
    this.dump = undefined;
    for (const s of this.symbolSources.splice(0)) s.close?.();
    this.symbolErrors = [];
    this.source?.close?.();
    this.source = undefined;
  }
}

function internal(e: unknown): { ok: false; error: ReplyError } {
  return { ok: false, error: { code: WorkerErrorCode.internal, message: e instanceof Error ? e.message : String(e) } };
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
