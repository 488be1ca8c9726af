// The npm package as built in build/npm, used the way a consumer would: plain Node (no Vite, no aliases) importing
// kdmpview/node, its bin, and a TypeScript consumer type-checked against the package's declarations.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSummary, fixture, paths } from './support';

const pkg = paths.npm;
let consumer: string;

beforeAll(() => {
  if (!existsSync(path.join(pkg, 'package.json'))) throw new Error(`missing ${pkg}: run scripts/build.sh`);
  // A project with the package installed as node_modules/kdmpview.
  consumer = mkdtempSync(path.join(tmpdir(), 'kdmpview-consumer-'));
  mkdirSync(path.join(consumer, 'node_modules'));
  symlinkSync(pkg, path.join(consumer, 'node_modules/kdmpview'), 'dir');
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ type: 'module', private: true }));
});

afterAll(() => {
  rmSync(consumer, { recursive: true, force: true });
});

function withoutTool(summary: object): object {
  const { tool: _tool, ...rest } = summary as Record<string, unknown>;
  return rest;
}

function node(script: string): string {
  writeFileSync(path.join(consumer, 'script.mjs'), script);
  return execFileSync(process.execPath, [path.join(consumer, 'script.mjs')], { cwd: consumer, encoding: 'utf8' });
}

describe('the npm package', () => {
  it('lays out ESM entries, the worker, the glue and the wasm side by side', () => {
    const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'kdmpview', type: 'module' });
    expect(manifest.exports['.']).toEqual({ types: './index.d.ts', default: './index.js' });
    expect(manifest.exports['./node']).toEqual({ types: './node.d.ts', default: './node.js' });
    for (const file of ['index.js', 'node.js', 'worker.js', 'kdmpview.js', 'kdmpview.wasm', 'index.d.ts', 'node.d.ts']) {
      expect(existsSync(path.join(pkg, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(pkg, 'worker.js'), 'utf8')).toContain('from "./kdmpview.js"');
  });

  it.each(['full-two-runs.dmp', 'sample.dmp', 'full32.dmp', 'bitmap-kernel.dmp', 'rdmp-kernel.dmp', 'triage-header-only.dmp', 'full-truncated.dmp'])(
    'kdmpview/node gives %s the summary of kdmp-parser --json', (name) => {
      const out = node(`import { summaryJson } from 'kdmpview/node';\nconsole.log(await summaryJson(${JSON.stringify(fixture(name))}));`);
      expect(withoutTool(JSON.parse(out))).toEqual(withoutTool(cliSummary(fixture(name))));
    });

  it('kdmpview/node reads and searches in plain Node', () => {
    const out = node(`
      import { openDump, KdmpError } from 'kdmpview/node';
      const dump = await openDump(${JSON.stringify(fixture('sample.dmp'))});
      const head = new TextDecoder().decode(await dump.readFile(0n, 8));
      const found = await dump.search({ space: 'file', pattern: { ascii: 'kdmpview sample' } }).results;
      const error = await dump.readPhysical(0xfffffffff000n, 8).catch((e) => e);
      await dump.close();
      console.log(JSON.stringify({ head, found: found.matches.map(String), error: error instanceof KdmpError && error.code, size: String(dump.fileSize) }));
    `);
    expect(JSON.parse(out)).toEqual({ head: 'PAGEDU64', found: [String(0xfb0)], error: 'page-not-in-dump', size: String(statSync(fixture('sample.dmp')).size) });
  });

  it('kdmpview/node takes symbol files as an openDump option', () => {
    const out = node(`
      import { readFileSync } from 'node:fs';
      import { openDump } from 'kdmpview/node';
      const data = new Uint8Array(readFileSync(${JSON.stringify(fixture('symdrv.pdb'))}));
      const dump = await openDump(${JSON.stringify(fixture('symbols-x64.dmp'))}, { symbols: [{ name: 'symdrv.pdb', data }] });
      const summary = await dump.summary();
      const back = await dump.resolveSymbol('symdrv!SymFaultingFunction+0x10');
      await dump.close();
      console.log(JSON.stringify({ symbol: summary.culprit.symbol, address: summary.culprit.address, back: '0x' + back.toString(16) }));
    `);
    const result = JSON.parse(out) as { symbol: string; address: string; back: string };
    expect(result.symbol).toBe('symdrv!SymFaultingFunction+0x10');
    expect(result.back).toBe(result.address);
  });

  it('has a bin that prints the summary, and fails with the error code', () => {
    const ok = spawnSync(process.execPath, [path.join(pkg, 'bin/kdmpview-json.js'), fixture('sample.dmp')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(withoutTool(JSON.parse(ok.stdout))).toEqual(withoutTool(cliSummary(fixture('sample.dmp'))));
    const bad = spawnSync(process.execPath, [path.join(pkg, 'bin/kdmpview-json.js'), fixture('not-a-dump.bin')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('not-a-dump');
  });

  it("runs the README's worker-threads loop: one NDJSON line per dump, errors as lines", () => {
    const readme = readFileSync(path.join(pkg, 'README.md'), 'utf8');
    const script = /### Many dumps on a server[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)![1]!;
    writeFileSync(path.join(consumer, 'summaries.mjs'), script);
    const folder = mkdtempSync(path.join(tmpdir(), 'kdmpview-fleet-'));
    mkdirSync(path.join(folder, 'sub'));
    const names = ['sample.dmp', 'triage64.dmp', 'sub/system-x86.dmp', 'sub/not-a-dump.bin'];
    for (const name of names) writeFileSync(path.join(folder, name), readFileSync(fixture(path.basename(name))));
    try {
      const out = execFileSync(process.execPath, [path.join(consumer, 'summaries.mjs'), folder], { cwd: consumer, encoding: 'utf8' });
      const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as { file: string; error?: { code: string } });
      expect(lines.map((l) => l.file).sort()).toEqual(names.map((n) => path.join(folder, n)).sort());
      for (const line of lines) {
        if (line.file.endsWith('not-a-dump.bin')) expect(line.error?.code).toBe('not-a-dump');
        else expect(withoutTool({ ...line, file: undefined })).toEqual(withoutTool({ ...cliSummary(line.file), file: undefined }));
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);

  it('type-checks a consumer against its declarations', () => {
    writeFileSync(path.join(consumer, 'app.ts'), `
      import { init, openDump, KdmpError, type BatchReadResult, type DumpHandle, type SearchResult, type Summary } from 'kdmpview';
      import { openDump as openInNode, summaryJson } from 'kdmpview/node';
      init({ wasmUrl: '/static/kdmpview.wasm', workerUrl: new URL('/static/worker.js', location.href) });
      export async function show(file: File): Promise<string> {
        const dump: DumpHandle = await openDump(file);
        const summary: Summary = await dump.summary();
        const bytes: Uint8Array = await dump.readVirtual(0xfffff80312340000n, 16, { dtb: 0x1aa000n });
        const task = dump.search({ space: 'physical', pattern: { utf16: 'ntoskrnl' }, onProgress: (p) => void p.done });
        const result: SearchResult = await task.results;
        const first: bigint | undefined = result.matches[0];
        try { await dump.translate(0n); } catch (e) { if (e instanceof KdmpError) return e.code + String(e.where); }
        return summary.bugcheck.name + bytes.length + String(first) + (summary.context?.['rip'] ?? '');
      }
      export const node = async (p: string) => (await openInNode(p)).fileSize + BigInt((await summaryJson(p)).length);
      export const batch = (d: DumpHandle): Promise<BatchReadResult> => d.readVirtualBatch([0xfffff80312340000n], 8, { dtb: 0x1aa000n });
      export const symbols = (file: File, pdb: File) => openDump(file, { symbols: [pdb, { name: 'x.pdb', data: new Uint8Array(4) }] });
      // @ts-expect-error addresses are bigint, not number
      export const wrong = (d: DumpHandle) => d.readPhysical(0x1000, 4);
    `);
    writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [],
        strict: true, noEmit: true, skipLibCheck: false,
      },
      files: ['app.ts'],
    }));
    const tsc = spawnSync(process.execPath, [path.join(paths.dist, '../node_modules/typescript/bin/tsc'), '-p', consumer], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
