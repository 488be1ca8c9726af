// Shared by the Node tests: the wasm module (loaded once per test file), the fixture files, the native CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import createKdmpModule, { type DumpHandle, type KdmpModule } from '@wasm/kdmpview';
import { BytesSource } from '@wasm/bytes-source';

const root = fileURLToPath(new URL('../../', import.meta.url));

export const paths = {
  wasm: `${root}build-wasm/wasm/kdmpview.wasm`,
  fixtures: `${root}build/fixtures/`,
  cli: `${root}build/core/kdmp-parser`,
  makeFixtures: `${root}build/tests/make-fixtures`,
  npm: `${root}build/npm/`,
  /** The built site; KDMP_DIST points the browser tests at another build (vite build --outDir ...). */
  dist: process.env.KDMP_DIST ?? `${root}dist/`,
};

/** A fixture written by `build/tests/make-fixtures build/fixtures` (scripts/build.sh runs it). */
export function fixture(name: string): string {
  const path = paths.fixtures + name;
  if (!existsSync(path)) throw new Error(`missing fixture ${path}: run scripts/build.sh`);
  return path;
}

let module: Promise<KdmpModule> | undefined;

/** The ES6 glue cannot locate its .wasm under Node: hand it the bytes. */
export function loadModule(): Promise<KdmpModule> {
  module ??= createKdmpModule({ wasmBinary: readFileSync(paths.wasm) });
  return module;
}

/** Opens a dump held in memory; the handle joins `opened`, which the test file's afterEach deletes. */
export async function openBytes(bytes: Uint8Array, opened: DumpHandle[]): Promise<DumpHandle> {
  const result = (await loadModule()).open(new BytesSource(bytes));
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  opened.push(result.dump);
  return result.dump;
}

/** What `kdmp-parser --json <file>` prints, parsed. */
export function cliSummary(file: string): Record<string, unknown> {
  return JSON.parse(execFileSync(paths.cli, ['--json', file], { encoding: 'utf8' })) as Record<string, unknown>;
}

/** A sparse bitmap dump of `gib` GiB of RAM (every page present, page data a hole, so it takes a few MiB on disk) in
 *  a fresh temporary directory, made by `make-fixtures --sparse-bitmap`; remove() deletes it. */
export function sparseBitmapDump(gib: number): { file: string; size: number; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kdmpview-sparse-'));
  const file = path.join(dir, `sparse-${gib}g.dmp`);
  execFileSync(paths.makeFixtures, ['--sparse-bitmap', file, String(gib)]);
  return { file, size: statSync(file).size, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
