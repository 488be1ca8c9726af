// The page's side of the protocol: sends requests to the worker and matches replies to them by id.
import type { Reply, Request, RequestType, Requests } from './protocol';

/** What the client needs of a Worker (a MessagePort or a test double does as well). */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror?: ((event: ErrorEvent) => void) | null;
}

export class DumpClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();

  constructor(private readonly endpoint: MessageEndpoint) {
    endpoint.onmessage = (event: MessageEvent) => {
      const reply = event.data as Reply;
      const resolve = this.pending.get(reply.inReplyTo);
      this.pending.delete(reply.inReplyTo);
      resolve?.(reply);
    };
    // A worker that fails to start (script error) would leave every request hanging: answer them all.
    endpoint.onerror = (event: ErrorEvent) => {
      const message = `the dump worker failed: ${event.message || 'unknown error'}`;
      for (const [id, resolve] of this.pending) resolve({ inReplyTo: id, ok: false, error: { code: 'worker-failed', message } });
      this.pending.clear();
    };
  }

  /** Resolves with the worker's reply, which says ok or not; never rejects. */
  request<T extends RequestType>(type: T, body: Requests[T]['body']): Promise<Reply<T>> {
    const id = this.nextId++;
    const request = { id, type, body } as Request<T>;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (reply: Reply) => void);
      this.endpoint.postMessage(request);
    });
  }
}
