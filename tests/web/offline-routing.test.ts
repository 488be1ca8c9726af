// How the service worker answers each request (web/src/offline/routing.ts): cache-first for hashed assets and the
// sample, network-first for the pages, the allow-list and the other unhashed files, and hands off for everything
// else (Range requests, other origins, non-GET, files that are not the site's).
import { describe, expect, it } from 'vitest';
import type { PrecacheManifest } from '../../web/src/offline/precache';
import { routeRequest, routeTable, type RequestFacts } from '../../web/src/offline/routing';

const manifest: PrecacheManifest = {
  version: '62d3dbdb',
  files: ['assets/index-CiXLPjUK.js', 'assets/kdmpview-D8ncoDmH.wasm', 'embed.html', 'favicon.svg', 'index.html', 'kdmp-viewer.js'],
  hashed: ['assets/index-CiXLPjUK.js', 'assets/kdmpview-D8ncoDmH.wasm'],
  onDemand: ['assets/capstone-BfO_2TmE.wasm', 'assets/iced_x86-CJFL_mvy.js'],
};

describe.each([
  ['at the root', 'http://127.0.0.1:8080/'],
  ['under a sub-path', 'http://127.0.0.1:8080/tools/kdmp/'],
])('the routes of the site %s', (_where, scope) => {
  const table = routeTable(manifest, scope);
  const get = (path: string, more: Partial<RequestFacts> = {}) =>
    routeRequest({ method: 'GET', url: new URL(path, scope).href, hasRange: false, ...more }, table);

  it('answers hashed assets from the cache first', () => {
    expect(get('assets/kdmpview-D8ncoDmH.wasm')).toEqual({ strategy: 'cache-first', cacheKey: `${scope}assets/kdmpview-D8ncoDmH.wasm` });
    expect(get('assets/index-CiXLPjUK.js?v=1')).toEqual({ strategy: 'cache-first', cacheKey: `${scope}assets/index-CiXLPjUK.js` });
  });

  it('keeps the disassemblers once fetched (they are not precached)', () => {
    expect(get('assets/capstone-BfO_2TmE.wasm')).toEqual({ strategy: 'cache-first', cacheKey: `${scope}assets/capstone-BfO_2TmE.wasm` });
    expect(get('assets/iced_x86-CJFL_mvy.js')).toEqual({ strategy: 'cache-first', cacheKey: `${scope}assets/iced_x86-CJFL_mvy.js` });
  });

  it('keeps the sample once fetched', () => {
    expect(get('sample.dmp')).toEqual({ strategy: 'cache-first', cacheKey: `${scope}sample.dmp` });
  });

  it('asks the network first for the pages, with or without a query, and for the unhashed files', () => {
    const index = { strategy: 'network-first', cacheKey: `${scope}index.html` };
    expect(get('')).toEqual(index);
    expect(get('index.html')).toEqual(index);
    expect(get('?url=/fixtures/full-two-runs.dmp')).toEqual(index);
    expect(get('index.html?url=/x.dmp#view=modules')).toEqual(index);
    expect(get('embed.html')).toEqual({ strategy: 'network-first', cacheKey: `${scope}embed.html` });
    expect(get('embed-config.json')).toEqual({ strategy: 'network-first', cacheKey: `${scope}embed-config.json` });
    expect(get('kdmp-viewer.js')).toEqual({ strategy: 'network-first', cacheKey: `${scope}kdmp-viewer.js` });
    expect(get('favicon.svg')).toEqual({ strategy: 'network-first', cacheKey: `${scope}favicon.svg` });
  });

  it('never touches Range requests, even for its own files', () => {
    expect(get('sample.dmp', { hasRange: true })).toEqual({ strategy: 'network' });
    expect(get('assets/kdmpview-D8ncoDmH.wasm', { hasRange: true })).toEqual({ strategy: 'network' });
  });

  it('never touches other methods', () => {
    for (const method of ['HEAD', 'POST', 'PUT', 'OPTIONS']) expect(get('index.html', { method })).toEqual({ strategy: 'network' });
  });

  it('hands off files that are not the site\'s: dumps opened with ?url=, other builds\' assets, other paths', () => {
    expect(get('/fixtures/full-two-runs.dmp')).toEqual({ strategy: 'network' });
    expect(get('assets/index-OLDHASH0.js')).toEqual({ strategy: 'network' });
    expect(get('sw.js')).toEqual({ strategy: 'network' });
  });

  it('hands off other origins, even for the same path', () => {
    const elsewhere = (url: string) => routeRequest({ method: 'GET', url, hasRange: false }, table);
    const path = new URL(scope).pathname;
    expect(elsewhere(`http://localhost:8080${path}index.html`)).toEqual({ strategy: 'network' });
    expect(elsewhere(`http://127.0.0.1:9000${path}assets/kdmpview-D8ncoDmH.wasm`)).toEqual({ strategy: 'network' });
    expect(elsewhere(`https://127.0.0.1:8080${path}sample.dmp`)).toEqual({ strategy: 'network' });
    expect(elsewhere('not a url')).toEqual({ strategy: 'network' });
  });
});

it('under a sub-path, leaves the rest of the origin alone', () => {
  const table = routeTable(manifest, 'http://127.0.0.1:8080/tools/kdmp/');
  const get = (url: string) => routeRequest({ method: 'GET', url, hasRange: false }, table);
  expect(get('http://127.0.0.1:8080/index.html')).toEqual({ strategy: 'network' });
  expect(get('http://127.0.0.1:8080/tools/index.html')).toEqual({ strategy: 'network' });
  expect(get('http://127.0.0.1:8080/tools/kdmp')).toEqual({ strategy: 'network' });
  expect(get('http://127.0.0.1:8080/tools/kdmp/old/index.html')).toEqual({ strategy: 'network' });
});
