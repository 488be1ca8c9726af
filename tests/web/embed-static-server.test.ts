// scripts/static-server.mjs's `files` option (the browser tests serve an embed-config.json with it): a file at an
// exact path, ahead of the mounts, without changing what the mounts serve.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../scripts/static-server.mjs';

let dir: string;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kdmpview-files-'));
  writeFileSync(path.join(dir, 'config.json'), '{"allowedOrigins":["https://portal.example"]}');
  writeFileSync(path.join(dir, 'embed-config.json'), '{"from":"the site"}');
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
  server = await serveStatic(dir, { mounts: { '/site/': dir }, files: { '/site/embed-config.json': path.join(dir, 'config.json') } });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('static server files', () => {
  it('serves a file at its exact path, with its type and ranges', async () => {
    const response = await fetch(`${server.url}site/embed-config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ allowedOrigins: ['https://portal.example'] });
    const range = await fetch(`${server.url}site/embed-config.json`, { headers: { Range: 'bytes=2-16' } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe('allowedOrigins"');
  });

  it('leaves the other paths to the mounts and the root', async () => {
    expect(await (await fetch(`${server.url}embed-config.json`)).json()).toEqual({ from: 'the site' });
    expect(await (await fetch(`${server.url}site/`)).text()).toBe('<!doctype html>');
    expect((await fetch(`${server.url}site/embed-config.json/x`)).status).toBe(404);
  });
});
