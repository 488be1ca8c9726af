// A byte source over a dump that stays on its web server: each read is one synchronous HTTP range request
// (`Range: bytes=a-b`, answered 206). Synchronous XHR with an ArrayBuffer response exists only in workers, which is
// where the core reads anyway. The size comes from a HEAD request, or from the Content-Range of a one-byte GET when
// the server does not answer HEAD with a length. A cross-origin server must allow the origin (CORS) and, for the
// fallback, expose Content-Range.
import type { JsByteSource } from './kdmpview';

export class HttpRangeSource implements JsByteSource {
  readonly size: number;
  /** A request costs a round trip: random misses read 256 KiB blocks, sequential runs up to 4 MiB a request. */
  readonly blockSize = 256 * 1024;
  readonly readAhead = 4 * 1024 * 1024;
  /** Batched reads: a round trip costs tens of milliseconds, in which a link of a few tens of MB/s carries about
   *  1 MiB, so wanted stretches up to 1 MiB apart share one request. */
  readonly coalesceGap = 1024 * 1024;
  lastError?: string;

  /** Throws an Error saying why when the server cannot serve ranges of this URL. */
  constructor(readonly url: string) {
    this.size = this.probeSize();
  }

  read(offset: number, target: Uint8Array): number {
    const last = Math.min(offset + target.length, this.size) - 1;
    if (last < offset) return 0;
    try {
      const xhr = this.request('GET', `bytes=${offset}-${last}`);
      if (xhr.status !== 206) {
        this.lastError = xhr.status === 200
          ? `${this.url}: the server ignored the Range header (200 instead of 206)`
          : `${this.url}: HTTP ${xhr.status} for bytes ${offset}-${last}`;
        return -1;
      }
      const range = parseContentRange(xhr.getResponseHeader('Content-Range'));
      if (range && range.first !== offset) {
        this.lastError = `${this.url}: asked for bytes from ${offset}, the server sent them from ${range.first}`;
        return -1;
      }
      const bytes = new Uint8Array(xhr.response as ArrayBuffer);
      const n = Math.min(bytes.length, target.length);
      target.set(bytes.subarray(0, n));
      return n;
    } catch (e) {
      this.lastError = `${this.url}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      return -1;
    }
  }

  private request(method: 'GET' | 'HEAD', range?: string): XMLHttpRequest {
    const xhr = new XMLHttpRequest();
    xhr.open(method, this.url, false);
    if (method === 'GET') xhr.responseType = 'arraybuffer';
    if (range) xhr.setRequestHeader('Range', range);
    xhr.send();
    return xhr;
  }

  private probeSize(): number {
    let why = '';
    try {
      const head = this.request('HEAD');
      const length = Number(head.getResponseHeader('Content-Length') ?? Number.NaN);
      if (head.status === 200 && Number.isSafeInteger(length) && length >= 0) return length;
      why = `HEAD answered ${head.status}${head.status === 200 ? ' without a Content-Length' : ''}`;
      const first = this.request('GET', 'bytes=0-0');
      const range = parseContentRange(first.getResponseHeader('Content-Range'));
      if (first.status === 206 && range?.size !== undefined) return range.size;
      why += `; a one-byte range request answered ${first.status}${first.status === 206 ? ' without a readable Content-Range' : ''}`;
    } catch (e) {
      why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    throw new Error(`${this.url} cannot be read with range requests: ${why}`);
  }
}

/** "bytes 0-99/1234" → { first: 0, last: 99, size: 1234 }; size undefined for "*". */
export function parseContentRange(header: string | null): { first: number; last: number; size?: number } | null {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!m) return null;
  return { first: Number(m[1]), last: Number(m[2]), size: m[3] === '*' ? undefined : Number(m[3]) };
}
