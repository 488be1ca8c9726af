// A tiny static file server for the built site, bound to 127.0.0.1 only. `npm start` runs it on dist/; the browser
// tests start one on a free port. It answers single HTTP range requests (206 + Content-Range), so the viewer can
// read a dump that stays on the server (?url=...). Usage: node scripts/static-server.mjs <dir> [--port N]
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',  // needed for WebAssembly.instantiateStreaming
  '.dmp': 'application/octet-stream',
};

/**
 * The byte range a `Range` header asks for in a file of `size` bytes: { start, end } (inclusive), null when the
 * header is absent or not a single bytes range (then the whole file is sent, as RFC 9110 allows), or
 * 'unsatisfiable' (416).
 * @param {string | undefined} header
 * @param {number} size
 * @returns {{ start: number, end: number } | null | 'unsatisfiable'}
 */
export function parseRange(header, size) {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {  // the last N bytes
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Serves `root` on 127.0.0.1. Port 0 picks a free one. `mounts` serves other directories under URL prefixes
 * ({ '/fixtures/': 'build/fixtures' }); `files` serves single files at exact paths, before the mounts
 * ({ '/embed-config.json': '/tmp/x/config.json' }). `headers` go with every answer (a test's symbol server sends
 * Access-Control-Allow-Origin).
 * @param {string} root
 * @param {{ port?: number, mounts?: Record<string, string>, files?: Record<string, string>, headers?: Record<string, string> }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveStatic(root, { port = 0, mounts = {}, files = {}, headers: extraHeaders = {} } = {}) {
  const bases = [
    ...Object.entries(mounts).map(([prefix, dir]) => ({ prefix, base: path.resolve(dir) })),
    { prefix: '/', base: path.resolve(root) },
  ];
  const server = createServer(async (request, response) => {
    try {
      const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
      let file = Object.hasOwn(files, pathname) ? path.resolve(/** @type {string} */ (files[pathname])) : undefined;
      if (file === undefined) {
        const mount = bases.find((b) => pathname.startsWith(b.prefix));
        if (!mount) throw new Error('no such mount');
        const { base } = mount;
        file = path.join(base, decodeURIComponent(pathname.slice(mount.prefix.length - 1)));
        if (file !== base && !file.startsWith(base + path.sep)) throw new Error('outside the site');
        if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      }
      const info = await stat(file);
      const headers = {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        ...extraHeaders,
      };
      const range = request.method === 'GET' ? parseRange(request.headers.range, info.size) : null;
      if (range === 'unsatisfiable') {
        response.writeHead(416, { ...headers, 'Content-Range': `bytes */${info.size}`, 'Content-Length': 0 }).end();
        return;
      }
      if (range) {
        response.writeHead(206, {
          ...headers,
          'Content-Range': `bytes ${range.start}-${range.end}/${info.size}`,
          'Content-Length': range.end - range.start + 1,
        });
        createReadStream(file, { start: range.start, end: range.end }).pipe(response);
        return;
      }
      response.writeHead(200, { ...headers, 'Content-Length': info.size });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...extraHeaders }).end('not found\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root = 'dist', ...rest] = process.argv.slice(2);
  const portFlag = rest.indexOf('--port');
  const port = portFlag >= 0 ? Number(rest[portFlag + 1]) : 8080;
  const { url } = await serveStatic(root, { port });
  console.log(`kdmpview: serving ${root} at ${url} (Ctrl-C to stop)`);
}
