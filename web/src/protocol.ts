// The one message protocol between the page and the dump worker. Every request is { id, type, body }; every reply
// is { inReplyTo, ok: true, body } or { inReplyTo, ok: false, error }. Adding a conversation = adding a row to
// `Requests` and a case to the worker's session.
import type { HeaderField } from '@wasm/kdmpview';
import type { Summary } from './summary';

export type { HeaderField };

export interface OpenReply {
  summary: Summary;
  headerFields: HeaderField[];
  fileSize: number;
}

export interface ReadFileReply {
  offset: number;
  bytes: Uint8Array;
}

/** Each request type: what the page sends (`body`) and what the worker answers (`reply`). */
export interface Requests {
  /** Open a dump (replaces the open one). A File or Blob posts without copying its data. */
  open: { body: { file: Blob }; reply: OpenReply };
  /** Bytes of the dump file itself. */
  readFile: { body: { offset: number; length: number }; reply: ReadFileReply };
  /** Close the open dump and free its memory. */
  close: { body: Record<string, never>; reply: Record<string, never> };
}

export type RequestType = keyof Requests;

export type Request<T extends RequestType = RequestType> = {
  [K in T]: { id: number; type: K; body: Requests[K]['body'] };
}[T];

/** kdmp error codes ("not-a-dump", "user-mode-minidump", ...) plus the worker's own. */
export interface ReplyError {
  code: string;
  message: string;
  /** The file offset or address the message names, "0x..." */
  where?: string;
}

export type Reply<T extends RequestType = RequestType> =
  | { inReplyTo: number; ok: true; body: Requests[T]['reply'] }
  | { inReplyTo: number; ok: false; error: ReplyError };

/** Error codes the worker adds to the core's. */
export const WorkerErrorCode = {
  /** The wasm module failed to load. */
  wasmLoad: 'wasm-load-failed',
  /** A request the worker does not understand, or one that needs an open dump when none is. */
  badRequest: 'bad-request',
  /** A bug: an exception in the worker. */
  internal: 'internal-error',
} as const;
