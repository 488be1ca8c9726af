// The dump worker: loads the wasm module and serves the page's requests through a DumpSession. It runs in a
// worker because the core reads synchronously, which a File allows only through FileReaderSync (and a URL only
// through synchronous XHR), both worker-only APIs.
import createKdmpModule from '@wasm/kdmpview';
import { BlobSource } from '@wasm/blob-source';
import { BytesSource } from '@wasm/bytes-source';
import { HttpRangeSource } from '@wasm/http-range-source';
import type { OpenSource, Reply, Request, WorkerMessage } from '../protocol';
import { DumpSession, type SessionSource } from './session';

// The DOM library has no worker-scope types; this is the part of DedicatedWorkerGlobalScope used here.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
};

function makeSource(source: OpenSource): SessionSource {
  switch (source.kind) {
    case 'blob': return new BlobSource(source.blob);
    case 'bytes': return new BytesSource(source.bytes);
    // The page resolved the URL against its own location.
    case 'url': return new HttpRangeSource(source.url);
    case 'path': throw new Error('a file path can only be opened under Node');
  }
}

// The bytes of a read (and a batch's per-read arrays) are fresh copies: hand them over instead of copying them again.
function transferables(reply: Reply): Transferable[] {
  if (!reply.ok) return [];
  const body = reply.body as { bytes?: unknown; done?: unknown; stops?: unknown };
  const buffers = [body.bytes, body.done, body.stops].filter((a): a is ArrayBufferView => ArrayBuffer.isView(a)).map((a) => a.buffer as ArrayBuffer);
  return [...new Set(buffers)];  // a buffer listed twice would make postMessage throw
}

// A host that moved kdmpview.wasm away from the glue says where it is in its first open request.
const session = new DumpSession((wasmUrl) => createKdmpModule(wasmUrl ? { locateFile: () => wasmUrl } : {}), makeSource);

scope.onmessage = (event) => {
  const request = event.data;
  void session.handle(request, (progress) => scope.postMessage({ inReplyTo: request.id, progress }, [])).then((reply) => {
    scope.postMessage(reply, transferables(reply));
  });
};
