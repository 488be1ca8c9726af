// The page's side of the protocol: sends requests to the worker (or the in-process session under Node) and matches
// replies and progress messages to them by id.
import {
  isProgress, WorkerErrorCode, type Progress, type Reply, type Request, type RequestType, type Requests, type WorkerMessage,
} from './protocol';

/** What the client needs of a Worker (a MessagePort, or the in-process channel under Node, does as well). */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror?: ((event: ErrorEvent) => void) | null;
}

/** A request on its way: its id (what `cancel` names) and its reply. */
export interface Pending<T extends RequestType> {
  id: number;
  reply: Promise<Reply<T>>;
}

interface Waiting {
  resolve(reply: Reply): void;
  onProgress?(progress: Progress): void;
}

export class DumpClient {
  private nextId = 1;
  private readonly pending = new Map<number, Waiting>();
  private closedWith: string | undefined;

  constructor(private readonly endpoint: MessageEndpoint) {
    endpoint.onmessage = (event: MessageEvent) => {
      const message = event.data as WorkerMessage;
      const waiting = this.pending.get(message.inReplyTo);
      if (isProgress(message)) {
        waiting?.onProgress?.(message.progress);
        return;
      }
      this.pending.delete(message.inReplyTo);
      waiting?.resolve(message);
    };
    // A worker that fails to start (script error) would leave every request hanging: answer them all.
    endpoint.onerror = (event: ErrorEvent) => this.fail(`the dump worker failed: ${event.message || 'unknown error'}`);
  }

  /** Starts a request; the reply says ok or not and never rejects. `transfer`: buffers of the body to hand over
   *  (the caller's copies, which become unusable) instead of copying them. */
  start<T extends RequestType>(type: T, body: Requests[T]['body'], onProgress?: (progress: Progress) => void,
    transfer: Transferable[] = []): Pending<T> {
    const id = this.nextId++;
    const reply = new Promise<Reply<T>>((resolve) => {
      if (this.closedWith !== undefined) {
        resolve({ inReplyTo: id, ok: false, error: { code: WorkerErrorCode.workerFailed, message: this.closedWith } });
        return;
      }
      this.pending.set(id, { resolve: resolve as (reply: Reply) => void, onProgress });
      this.endpoint.postMessage({ id, type, body } as Request<T>, transfer);
    });
    return { id, reply };
  }

  /** Resolves with the worker's reply, which says ok or not; never rejects. */
  request<T extends RequestType>(type: T, body: Requests[T]['body'], onProgress?: (progress: Progress) => void,
    transfer: Transferable[] = []): Promise<Reply<T>> {
    return this.start(type, body, onProgress, transfer).reply;
  }

  /** Answers every request still waiting with `message`, and every later one too (the worker is gone). */
  fail(message: string): void {
    this.closedWith ??= message;
    for (const [id, waiting] of this.pending) waiting.resolve({ inReplyTo: id, ok: false, error: { code: WorkerErrorCode.workerFailed, message } });
    this.pending.clear();
  }
}
