// HttpRangeSource against a stand-in for synchronous XMLHttpRequest (Node has none); the real thing runs in
// Chromium against scripts/static-server.mjs (tests/e2e).
import { afterEach, describe, expect, it } from 'vitest';
import { HttpRangeSource, parseContentRange } from '@wasm/http-range-source';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/** Answers each request with `server(method, range)`; records what was asked. */
function fakeXhr(server: (method: string, range: string | undefined) => Answer) {
  const seen: string[] = [];
  class FakeXhr {
    status = 0;
    response: ArrayBuffer | null = null;
    responseType = '';
    private method = '';
    private range: string | undefined;
    private answer: Answer = { status: 0 };
    open(method: string, _url: string, async: boolean) {
      if (async) throw new Error('HttpRangeSource must use synchronous requests');
      this.method = method;
    }
    setRequestHeader(name: string, value: string) {
      if (name === 'Range') this.range = value;
    }
    send() {
      seen.push(`${this.method} ${this.range ?? ''}`.trim());
      this.answer = server(this.method, this.range);
      this.status = this.answer.status;
      const body = this.answer.body ?? new Uint8Array();
      this.response = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    }
    getResponseHeader(name: string) {
      return this.answer.headers?.[name] ?? null;
    }
  }
  (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = FakeXhr;
  return seen;
}

afterEach(() => {
  delete (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest;
});

const file = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);

/** A well-behaved range server over `file`. */
function rangeServer(method: string, range: string | undefined): Answer {
  if (method === 'HEAD') return { status: 200, headers: { 'Content-Length': String(file.length) } };
  const [first, last] = /bytes=(\d+)-(\d+)/.exec(range ?? '')!.slice(1).map(Number) as [number, number];
  const end = Math.min(last, file.length - 1);
  return { status: 206, headers: { 'Content-Range': `bytes ${first}-${end}/${file.length}` }, body: file.subarray(first, end + 1) };
}

describe('HttpRangeSource', () => {
  it('takes the size from HEAD and reads with range requests', () => {
    const seen = fakeXhr(rangeServer);
    const source = new HttpRangeSource('http://127.0.0.1/x.dmp');
    expect(source.size).toBe(5000);
    const target = new Uint8Array(100);
    expect(source.read(4950, target)).toBe(50);
    expect(target.subarray(0, 50)).toEqual(file.subarray(4950));
    expect(source.read(5000, target)).toBe(0);
    expect(seen).toEqual(['HEAD', 'GET bytes=4950-4999']);
  });

  it('falls back to a one-byte range when HEAD gives no length', () => {
    const seen = fakeXhr((method, range) => (method === 'HEAD' ? { status: 405 } : rangeServer(method, range)));
    expect(new HttpRangeSource('http://127.0.0.1/x.dmp').size).toBe(5000);
    expect(seen).toEqual(['HEAD', 'GET bytes=0-0']);
  });

  it('refuses a server that cannot serve ranges, saying why', () => {
    fakeXhr((method) => (method === 'HEAD' ? { status: 404 } : { status: 404 }));
    expect(() => new HttpRangeSource('http://127.0.0.1/missing.dmp')).toThrow(/missing\.dmp cannot be read with range requests: HEAD answered 404.*answered 404/);
  });

  it('fails a read the server answers whole (200) or from the wrong offset', () => {
    let mode: 'whole' | 'shifted' = 'whole';
    fakeXhr((method, range) => {
      if (method === 'HEAD') return rangeServer(method, range);
      if (mode === 'whole') return { status: 200, body: file };
      return { status: 206, headers: { 'Content-Range': 'bytes 0-9/5000' }, body: file.subarray(0, 10) };
    });
    const source = new HttpRangeSource('http://127.0.0.1/x.dmp');
    expect(source.read(100, new Uint8Array(10))).toBe(-1);
    expect(source.lastError).toMatch(/ignored the Range header/);
    mode = 'shifted';
    expect(source.read(100, new Uint8Array(10))).toBe(-1);
    expect(source.lastError).toMatch(/from 100, the server sent them from 0/);
  });

  it('turns a network error into a failed read', () => {
    fakeXhr((method, range) => {
      if (method === 'HEAD') return rangeServer(method, range);
      throw new Error('NetworkError: offline');
    });
    const source = new HttpRangeSource('http://127.0.0.1/x.dmp');
    expect(source.read(0, new Uint8Array(4))).toBe(-1);
    expect(source.lastError).toContain('offline');
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 0-99/1234')).toEqual({ first: 0, last: 99, size: 1234 });
    expect(parseContentRange('bytes 5-9/*')).toEqual({ first: 5, last: 9, size: undefined });
    expect(parseContentRange('bytes */1234')).toBeNull();
    expect(parseContentRange(null)).toBeNull();
  });
});
