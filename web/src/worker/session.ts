// The worker's side of the protocol: holds the open dump and answers requests. It runs without a DOM, so the tests
// drive it in Node with a byte source over bytes; the worker drives it with BlobSource.
import type { DumpHandle, JsByteSource, KdmpModule } from '@wasm/kdmpview';
import { WorkerErrorCode, type Reply, type ReplyError, type Request, type Requests, type RequestType } from '../protocol';
import { parseSummary } from '../summary';

/** Bytes for one readFile request at most: the page asks for screenfuls, not whole dumps. */
export const MAX_READ = 16 * 1024 * 1024;

type Outcome<T extends RequestType> = { ok: true; body: Requests[T]['reply'] } | { ok: false; error: ReplyError };

export class DumpSession {
  private dump: DumpHandle | undefined;

  constructor(
    private readonly module: Promise<KdmpModule>,
    private readonly makeSource: (file: Blob) => JsByteSource,
  ) {}

  async handle(request: Request): Promise<Reply> {
    let outcome: Outcome<RequestType>;
    try {
      outcome = await this.dispatch(request);
    } catch (e) {
      outcome = { ok: false, error: { code: WorkerErrorCode.internal, message: e instanceof Error ? e.message : String(e) } };
    }
    return outcome.ok
      ? { inReplyTo: request.id, ok: true, body: outcome.body }
      : { inReplyTo: request.id, ok: false, error: outcome.error };
  }

  private async dispatch(request: Request): Promise<Outcome<RequestType>> {
    switch (request.type) {
      case 'open': return this.open(request.body.file);
      case 'readFile': return this.readFile(request.body.offset, request.body.length);
      case 'close': this.close(); return { ok: true, body: {} };
      default: {
        const unknown: { type?: unknown } = request;
        return { ok: false, error: { code: WorkerErrorCode.badRequest, message: `unknown request type ${String(unknown.type)}` } };
      }
    }
  }

  private async open(file: Blob): Promise<Outcome<'open'>> {
    let module: KdmpModule;
    try {
      module = await this.module;
    } catch (e) {
      return { ok: false, error: { code: WorkerErrorCode.wasmLoad, message: `the WebAssembly module did not load: ${String(e)}` } };
    }
    this.close();
    const result = module.open(this.makeSource(file));
    if (!result.ok) return { ok: false, error: result.error };
    this.dump = result.dump;
    return {
      ok: true,
      body: { summary: parseSummary(result.dump.summaryJson()), headerFields: result.dump.headerFields(), fileSize: result.dump.fileSize() },
    };
  }

  private readFile(offset: number, length: number): Outcome<'readFile'> {
    if (!this.dump) return { ok: false, error: { code: WorkerErrorCode.badRequest, message: 'no dump is open' } };
    const result = this.dump.readFile(offset, Math.min(length, MAX_READ));
    if (!result.ok) return { ok: false, error: result.error };
    return { ok: true, body: { offset, bytes: result.bytes } };
  }

  private close(): void {
    this.dump?.delete();
    this.dump = undefined;
  }
}
