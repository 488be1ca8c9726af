// scripts/static-server.mjs: range requests (what HttpRangeSource relies on), mounts, and staying on 127.0.0.1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange, serveStatic } from '../../scripts/static-server.mjs';

let dir: string;
let server: { url: string; close: () => Promise<void> };
const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 256);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kdmpview-static-'));
  writeFileSync(path.join(dir, 'a.dmp'), bytes);
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
  server = await serveStatic(dir, { mounts: { '/data/': dir } });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('static server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('answers a range with 206 and Content-Range', async () => {
    const response = await fetch(`${server.url}a.dmp`, { headers: { Range: 'bytes=10-19' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes.subarray(10, 20));
  });

  it('answers open-ended, suffix and clipped ranges', async () => {
    const get = async (range: string) => {
      const r = await fetch(`${server.url}data/a.dmp`, { headers: { Range: range } });
      return { status: r.status, range: r.headers.get('content-range'), length: (await r.arrayBuffer()).byteLength };
    };
    expect(await get('bytes=990-')).toEqual({ status: 206, range: 'bytes 990-999/1000', length: 10 });
    expect(await get('bytes=-5')).toEqual({ status: 206, range: 'bytes 995-999/1000', length: 5 });
    expect(await get('bytes=900-5000')).toEqual({ status: 206, range: 'bytes 900-999/1000', length: 100 });
    expect(await get('bytes=1000-1001')).toEqual({ status: 416, range: 'bytes */1000', length: 0 });
    expect(await get('bytes=0-1,5-6')).toEqual({ status: 200, range: null, length: 1000 });
  });

  it('gives the size to HEAD and serves whole files without Range', async () => {
    const head = await fetch(`${server.url}a.dmp`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('1000');
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect((await fetch(`${server.url}a.dmp`)).status).toBe(200);
  });

  it('refuses paths outside its directories', async () => {
    expect((await fetch(`${server.url}..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(`${server.url}data/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
  });

  it('parses ranges', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('items=0-1', 10)).toBeNull();
  });
});
