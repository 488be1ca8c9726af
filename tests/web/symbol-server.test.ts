// The symbol server's pure parts: the store path from a module's RSDS identity (hostile names reduced to a file
// name), the URL the user types, which modules are asked, what a page's CSP allows, fetching with warnings (a fake
// fetch), the build's CSP widening, and the names the viewer shows (SymbolNames over a fake worker).
import { describe, expect, it } from 'vitest';
import { parseConnectOrigins, withConnectOrigins } from '../../scripts/vite-csp-plugin';
import type { SummaryModule } from '../../web/src/summary';
import { ModuleMap } from '../../web/src/viewer/module-map';
import { SymbolNames } from '../../web/src/viewer/symbol-names';
import { cspAllowsConnect, fetchFromServer, modulesWanting, parseServerUrl, pdbFileName, symbolStorePath } from '../../web/src/viewer/symbol-server';

const GUID = '58871ab2-09b2-0160-4c4c-44205044422e';
const SHIPPED = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

function module(name: string, pdb: { name: string; guid: string; age: number } | null, symbols: SummaryModule['symbols'] = 'none'): SummaryModule {
  return {
    name, path: '', base: '0xfffff80312360000', size: '0x10000', checksum: '0x0', timestamp: '0x0', kind: 'kernel', symbols,
    image: { headerPresent: true, fromFile: false, timeDateStampIsHash: false, pdb, version: null },
  };
}

describe('symbolStorePath', () => {
  it('lays out name.pdb/GUIDAGE/name.pdb in upper-case hex', () => {
    expect(symbolStorePath({ name: 'C:\\build\\symdrv.pdb', guid: GUID, age: 1 })).toBe('symdrv.pdb/58871AB209B201604C4C44205044422E1/symdrv.pdb');
    expect(symbolStorePath({ name: 'ntkrnlmp.pdb', guid: GUID, age: 0x1a })).toBe('ntkrnlmp.pdb/58871AB209B201604C4C44205044422E1A/ntkrnlmp.pdb');
  });

  it('keeps a hostile name inside the server: last component only, percent-encoded', () => {
    expect(symbolStorePath({ name: '../../etc/passwd', guid: GUID, age: 1 })).toBe('passwd/58871AB209B201604C4C44205044422E1/passwd');
    expect(symbolStorePath({ name: 'a?b#c%.pdb', guid: GUID, age: 1 })).toBe('a%3Fb%23c%25.pdb/58871AB209B201604C4C44205044422E1/a%3Fb%23c%25.pdb');
    expect(symbolStorePath({ name: 'x\\..', guid: GUID, age: 1 })).toBeNull();
    expect(symbolStorePath({ name: 'bad\u0000.pdb', guid: GUID, age: 1 })).toBeNull();
    expect(symbolStorePath({ name: '', guid: GUID, age: 1 })).toBeNull();
    expect(symbolStorePath({ name: 'a.pdb', guid: 'not-a-guid', age: 1 })).toBeNull();
    expect(pdbFileName('dir/sub\\x.pdb')).toBe('x.pdb');
  });
});

describe('parseServerUrl', () => {
  it('takes http(s) URLs, relative ones against the page, and ends the path with a slash', () => {
    expect(parseServerUrl('https://symbols.example.com/store', 'https://kdmp.example/')?.href).toBe('https://symbols.example.com/store/');
    expect(parseServerUrl(' /symbols ', 'https://kdmp.example/app/')?.href).toBe('https://kdmp.example/symbols/');
  });

  it('refuses other schemes, credentials, queries and fragments', () => {
    for (const bad of ['javascript:alert(1)', 'file:///tmp/', 'https://user:pw@s.example/', 'https://s.example/?x=1', 'https://s.example/#x', 'http://[']) {
      expect(parseServerUrl(bad, 'https://kdmp.example/'), bad).toBeNull();
    }
  });
});

describe('modulesWanting', () => {
  it('asks for modules with an RSDS identity and no PDB yet, each store path once', () => {
    const modules = [
      module('a.sys', { name: 'a.pdb', guid: GUID, age: 1 }, 'exports'),
      module('b.sys', { name: 'b.pdb', guid: GUID, age: 1 }, 'pdb'),
      module('c.sys', null),
      module('a2.sys', { name: 'a.pdb', guid: GUID, age: 1 }),
    ];
    expect(modulesWanting(modules).map((w) => [w.module.name, w.path])).toEqual([['a.sys', 'a.pdb/58871AB209B201604C4C44205044422E1/a.pdb']]);
  });
});

describe('cspAllowsConnect', () => {
  const page = 'https://kdmp.example';
  const url = (u: string) => new URL(u);

  it('the shipped policy: the page\'s origin only', () => {
    expect(cspAllowsConnect(SHIPPED, url('https://kdmp.example/symbols/'), page)).toBe(true);
    expect(cspAllowsConnect(SHIPPED, url('https://symbols.example.com/'), page)).toBe(false);
    expect(cspAllowsConnect(SHIPPED, url('http://kdmp.example/'), page)).toBe(false);
  });

  it('connect-src wins over default-src; hosts, wildcards, ports, schemes and paths', () => {
    const policy = `${SHIPPED}; connect-src 'self' https://symbols.example.com *.cdn.example http://127.0.0.1:8081 https://proxy.example/sym/`;
    expect(cspAllowsConnect(policy, url('https://symbols.example.com/x.pdb'), page)).toBe(true);
    expect(cspAllowsConnect(policy, url('https://eu.cdn.example/x.pdb'), page)).toBe(true);
    expect(cspAllowsConnect(policy, url('https://cdn.example/x.pdb'), page)).toBe(false);
    expect(cspAllowsConnect(policy, url('http://127.0.0.1:8081/s/'), page)).toBe(true);
    expect(cspAllowsConnect(policy, url('http://127.0.0.1:8082/s/'), page)).toBe(false);
    expect(cspAllowsConnect(policy, url('https://proxy.example/sym/a.pdb/ID/a.pdb'), page)).toBe(true);
    expect(cspAllowsConnect(policy, url('https://proxy.example/other/'), page)).toBe(false);
    expect(cspAllowsConnect("connect-src 'none'", url('https://kdmp.example/'), page)).toBe(false);
    expect(cspAllowsConnect('connect-src https:', url('https://anything.example/'), page)).toBe(true);
    expect(cspAllowsConnect("script-src 'self'", url('https://anything.example/'), page)).toBe(true);
    expect(cspAllowsConnect(null, url('https://anything.example/'), page)).toBe(true);
  });
});

describe('the build\'s connect-src (KDMP_SYMBOL_SERVER_ORIGINS)', () => {
  it('adds connect-src with the origins, and only origins', () => {
    expect(parseConnectOrigins(undefined)).toEqual([]);
    expect(parseConnectOrigins('https://symbols.example.com, http://127.0.0.1:8081/')).toEqual(['https://symbols.example.com', 'http://127.0.0.1:8081']);
    expect(() => parseConnectOrigins("https://x.example 'unsafe-inline'")).toThrow(/is not a URL/);
    expect(() => parseConnectOrigins('https://x.example/path')).toThrow(/must be an http\(s\) origin/);
    expect(() => parseConnectOrigins('https://x.example;script-src')).toThrow();
    expect(withConnectOrigins(SHIPPED, [])).toBe(SHIPPED);
    const widened = withConnectOrigins(SHIPPED, ['https://symbols.example.com']);
    expect(widened).toBe(`${SHIPPED}; connect-src 'self' https://symbols.example.com`);
    expect(cspAllowsConnect(widened, new URL('https://symbols.example.com/a.pdb/X/a.pdb'), 'https://kdmp.example')).toBe(true);
    expect(withConnectOrigins("default-src 'self'; connect-src 'none'", ['https://s.example'])).toBe("default-src 'self'; connect-src 'self' https://s.example");
  });
});

describe('fetchFromServer', () => {
  const wanted = modulesWanting([
    module('a.sys', { name: 'a.pdb', guid: GUID, age: 1 }),
    module('b.sys', { name: 'b.pdb', guid: GUID, age: 2 }),
    module('c.sys', { name: 'c.pdb', guid: GUID, age: 3 }),
  ]);

  it('downloads each PDB, and turns a 404 and a network failure into warnings', async () => {
    const asked: string[] = [];
    const fake = (async (input: string) => {
      asked.push(input);
      if (input.includes('/a.pdb/')) return new Response(new Uint8Array([1, 2, 3]), { status: 200 });
      if (input.includes('/b.pdb/')) return new Response('no', { status: 404 });
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const progress: number[] = [];
    const result = await fetchFromServer(new URL('https://s.example/store/'), wanted, { fetch: fake, onProgress: (p) => progress.push(p.done) });
    expect(asked.sort()).toEqual([
      'https://s.example/store/a.pdb/58871AB209B201604C4C44205044422E1/a.pdb',
      'https://s.example/store/b.pdb/58871AB209B201604C4C44205044422E2/b.pdb',
      'https://s.example/store/c.pdb/58871AB209B201604C4C44205044422E3/c.pdb',
    ]);
    expect(result.files.map((f) => [f.name, f.size])).toEqual([['a.pdb', 3]]);
    expect(result.warnings.sort()).toEqual([
      'b.sys: https://s.example/store/b.pdb/58871AB209B201604C4C44205044422E2/b.pdb answered HTTP 404 (the server does not have this PDB)',
      "c.sys: https://s.example/store/c.pdb/58871AB209B201604C4C44205044422E3/c.pdb could not be fetched (Failed to fetch): the server must allow this page's origin (CORS) and the page's Content-Security-Policy must allow the server",
    ]);
    expect(progress.sort()).toEqual([1, 2, 3]);
  });

  it('stops asking once cancelled', async () => {
    let calls = 0;
    const fake = (async () => {
      ++calls;
      return new Response('x');
    }) as unknown as typeof fetch;
    const result = await fetchFromServer(new URL('https://s.example/'), wanted, { fetch: fake, cancelled: () => true });
    expect(calls).toBe(0);
    expect(result).toEqual({ files: [], warnings: [] });
  });
});

describe('SymbolNames', () => {
  const modules = new ModuleMap([module('symdrv.sys', null, 'pdb')]);
  const base = 0xfffff80312360000n;

  it('asks the worker once per address, shows module+offset until then and where no function covers', async () => {
    const asked: bigint[][] = [];
    const dump = {
      symbolize: async (addresses: bigint[]) => {
        asked.push(addresses);
        return addresses.map((a) => (a === base + 0x1010n ? 'symdrv!SymFaultingFunction+0x10' : 'symdrv+0x' + (a - base).toString(16)));
      },
    };
    const names = new SymbolNames(dump, modules, true);
    expect(names.now(base + 0x1010n)).toBe('symdrv.sys+0x1010');
    expect(names.unknown(base + 0x1010n)).toBe(true);
    expect(names.unknown(0x1000n)).toBe(false);  // outside every module: nothing to ask
    expect(await names.names([base + 0x1010n, base + 0x20n, 0x1000n, base + 0x1010n])).toEqual(['symdrv!SymFaultingFunction+0x10', 'symdrv.sys+0x20', null, 'symdrv!SymFaultingFunction+0x10']);
    expect(asked).toEqual([[base + 0x1010n, base + 0x20n]]);
    expect(names.now(base + 0x1010n)).toBe('symdrv!SymFaultingFunction+0x10');
    expect(await names.name(base + 0x20n)).toBe('symdrv.sys+0x20');
    expect(asked.length).toBe(1);
  });

  it('never asks when no module has symbols, and a closed dump is not asked twice', async () => {
    let calls = 0;
    const failing = { symbolize: async () => { ++calls; throw new Error('the dump is closed'); } };
    expect(await new SymbolNames(failing, modules, false).name(base)).toBe('symdrv.sys+0x0');
    expect(calls).toBe(0);
    const names = new SymbolNames(failing, modules, true);
    expect(await names.name(base + 4n)).toBe('symdrv.sys+0x4');
    expect(names.unknown(base + 4n)).toBe(false);
    expect(calls).toBe(1);
  });
});
