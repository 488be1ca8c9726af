// The service worker's precache manifest (web/src/offline/precache.ts): which built files are kept for offline use,
// the version that names the cache, and which caches an activation deletes.
import { describe, expect, it } from 'vitest';
import { cacheName, isStaleCache, precacheManifest, type BuiltFile } from '../../web/src/offline/precache';

// What `vite build` emits plus what it copies from web/public/ (the plugin leaves sw.js out).
const build: BuiltFile[] = [
  { path: 'index.html', digest: 'i1' },
  { path: 'assets/worker-D23W84FW.js', digest: 'w1' },
  { path: 'embed.html', digest: 'e1' },
  { path: 'assets/kdmpview-D8ncoDmH.wasm', digest: 'k1' },
  { path: 'assets/iced_x86-CJFL_mvy.js', digest: 'd1' },
  { path: 'assets/iced_x86_bg-BZQac2_G.wasm', digest: 'd2' },
  { path: 'assets/capstone-BfO_2TmE.wasm', digest: 'd3' },
  { path: 'kdmp-viewer.js', digest: 'v1' },
  { path: 'favicon.svg', digest: 'f1' },
  { path: 'sample.dmp', digest: 's1' },
  { path: 'embed-config.json', digest: 'c1' },
  { path: 'assets/styles-C4qA8v4R.css', digest: 'c2' },
  { path: '.stamp', digest: '' },
  { path: '.vite/manifest.json', digest: 'm1' },
];

describe('the precache manifest', () => {
  it('lists every built file but the sample, the allow-list and dot files, sorted', () => {
    expect(precacheManifest(build, 'assets').files).toEqual([
      'assets/kdmpview-D8ncoDmH.wasm',
      'assets/styles-C4qA8v4R.css',
      'assets/worker-D23W84FW.js',
      'embed.html',
      'favicon.svg',
      'index.html',
      'kdmp-viewer.js',
    ]);
  });

  it('leaves the disassemblers to be cached on first use, not at install', () => {
    const onDemand = ['assets/capstone-BfO_2TmE.wasm', 'assets/iced_x86-CJFL_mvy.js', 'assets/iced_x86_bg-BZQac2_G.wasm'];
    expect(precacheManifest(build, 'assets').onDemand).toEqual(onDemand);
    // Outside the assets directory a name is not Vite's chunk name: precached as any other file.
    expect(precacheManifest(build, 'static').onDemand).toEqual([]);
  });

  it('marks the files of the assets directory as hashed, whatever its spelling', () => {
    const hashed = ['assets/kdmpview-D8ncoDmH.wasm', 'assets/styles-C4qA8v4R.css', 'assets/worker-D23W84FW.js'];
    expect(precacheManifest(build, 'assets').hashed).toEqual(hashed);
    expect(precacheManifest(build, 'assets/').hashed).toEqual(hashed);
    expect(precacheManifest(build, 'static').hashed).toEqual([]);
  });

  it('has a version that depends on the names and contents of all files, not on their order', () => {
    const { version } = precacheManifest(build, 'assets');
    expect(version).toMatch(/^[0-9a-f]{8}$/);
    expect(precacheManifest([...build].reverse(), 'assets').version).toBe(version);
    const changed = (index: number, file: BuiltFile) => precacheManifest(build.map((f, i) => (i === index ? file : f)), 'assets').version;
    // A new hashed name, an unhashed file's new bytes, a new sample: each makes a new cache.
    expect(changed(1, { path: 'assets/worker-XXXXXXXX.js', digest: 'w1' })).not.toBe(version);
    expect(changed(5, { path: 'favicon.svg', digest: 'f2' })).not.toBe(version);
    expect(changed(6, { path: 'sample.dmp', digest: 's2' })).not.toBe(version);
    expect(precacheManifest(build.slice(1), 'assets').version).not.toBe(version);
    // FNV-1a 32 of the empty string: the offset basis.
    expect(precacheManifest([], 'assets')).toEqual({ version: '811c9dc5', files: [], hashed: [], onDemand: [] });
  });
});

describe('cache names', () => {
  const scope = 'http://127.0.0.1:8080/kdmp/';
  const current = cacheName('62d3dbdb', scope);

  it('name the build and the scope', () => {
    expect(current).toBe('kdmpview-62d3dbdb http://127.0.0.1:8080/kdmp/');
  });

  it('are stale when an earlier build at the same scope made them', () => {
    expect(isStaleCache(cacheName('0badf00d', scope), current, scope)).toBe(true);
    expect(isStaleCache(current, current, scope)).toBe(false);
  });

  it('leave alone the caches of the site under another sub-path and of other apps of the origin', () => {
    expect(isStaleCache(cacheName('0badf00d', 'http://127.0.0.1:8080/'), current, scope)).toBe(false);
    expect(isStaleCache(cacheName('0badf00d', 'http://127.0.0.1:8080/kdmp/old/'), current, scope)).toBe(false);
    expect(isStaleCache('workbox-precache-v2 http://127.0.0.1:8080/kdmp/', current, scope)).toBe(false);
  });
});
