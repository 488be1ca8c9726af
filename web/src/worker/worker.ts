// The dump worker: loads the wasm module and serves the page's requests through a DumpSession. It runs in a
// worker because the core reads synchronously, which a File allows only through FileReaderSync, a worker API.
import createKdmpModule from '@wasm/kdmpview';
import { BlobSource } from '@wasm/blob-source';
import type { Reply, Request } from '../protocol';
import { DumpSession } from './session';

// The DOM library has no worker-scope types; this is the part of DedicatedWorkerGlobalScope used here.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: Reply, transfer: Transferable[]): void;
};

const session = new DumpSession(createKdmpModule(), (file) => new BlobSource(file));

// Requests are handled one at a time, in order: the core is single-threaded and reads synchronously anyway.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  queue = queue.then(async () => {
    const reply = await session.handle(event.data);
    // The bytes of a read are a fresh copy: hand them over instead of copying them again.
    const transfer = reply.ok && 'bytes' in reply.body ? [reply.body.bytes.buffer as ArrayBuffer] : [];
    scope.postMessage(reply, transfer);
  });
};
