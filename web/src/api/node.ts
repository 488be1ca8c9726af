// openDump under Node: the worker's session runs in-process, over a file on disk (NodeFileSource) or bytes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createKdmpModule, { type KdmpModule } from '@wasm/kdmpview';
import { BytesSource } from '@wasm/bytes-source';
import { NodeFileSource } from '@wasm/node-file-source';
import { DumpClient, type MessageEndpoint } from '../client';
import type { OpenSource, Request, WorkerMessage } from '../protocol';
import { DumpSession, type SessionSource } from '../worker/session';
import { openWithClient } from './dump';
import type { DumpHandle, DumpSource } from './types';

export interface NodeOpenOptions {
  /** The kdmpview.wasm file (a path or a file: URL). */
  wasmPath: string | URL;
}

// One module per .wasm file for the whole process: dumps share it (each has its own handle in its heap).
const modules = new Map<string, Promise<KdmpModule>>();

function loadModule(wasmPath: string | URL): Promise<KdmpModule> {
  const path = wasmPath instanceof URL ? fileURLToPath(wasmPath) : wasmPath;
  let module = modules.get(path);
  if (!module) {
    module = Promise.resolve().then(() => createKdmpModule({ wasmBinary: readFileSync(path) }));
    modules.set(path, module);
    module.catch(() => modules.delete(path));
  }
  return module;
}

function makeSource(source: OpenSource): SessionSource {
  switch (source.kind) {
    case 'path': return new NodeFileSource(source.path);
    case 'bytes': return new BytesSource(source.bytes);
    case 'blob': throw new Error('a Blob is read into bytes before it reaches the session');
    case 'url': throw new Error(`only files on disk and bytes can be opened under Node, not ${source.url}`);
  }
}

async function openSource(source: DumpSource): Promise<OpenSource> {
  if (source instanceof Uint8Array) return { kind: 'bytes', bytes: source };
  if (source instanceof Blob) return { kind: 'bytes', bytes: new Uint8Array(await source.arrayBuffer()) };
  if (source instanceof URL) return source.protocol === 'file:' ? { kind: 'path', path: fileURLToPath(source) } : { kind: 'url', url: source.href };
  return /^https?:\/\//i.test(source) ? { kind: 'url', url: source } : { kind: 'path', path: source };
}

/** The protocol's two ends joined in-process; messages are delivered asynchronously, as a worker's would be. */
function localEndpoint(session: DumpSession): MessageEndpoint {
  const endpoint: MessageEndpoint = {
    onmessage: null,
    postMessage(message) {
      const request = message as Request;
      const deliver = (data: WorkerMessage) => endpoint.onmessage?.({ data } as MessageEvent);
      void session.handle(request, (progress) => deliver({ inReplyTo: request.id, progress })).then(deliver);
    },
  };
  return endpoint;
}

export async function openDumpInProcess(source: DumpSource, options: NodeOpenOptions): Promise<DumpHandle> {
  const session = new DumpSession(() => loadModule(options.wasmPath), makeSource);
  const client = new DumpClient(localEndpoint(session));
  return openWithClient(client, await openSource(source), undefined, () => client.fail('the dump is closed'), openSource);
}
