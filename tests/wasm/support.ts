// Shared by the Node tests: the wasm module (loaded once per test file), the fixture files, the native CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createKdmpModule, { type KdmpModule } from '@wasm/kdmpview';

const root = fileURLToPath(new URL('../../', import.meta.url));

export const paths = {
  wasm: `${root}build-wasm/wasm/kdmpview.wasm`,
  fixtures: `${root}build/fixtures/`,
  cli: `${root}build/core/kdmp-parser`,
  dist: `${root}dist/`,
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

/** What `kdmp-parser --json <file>` prints, parsed. */
export function cliSummary(file: string): Record<string, unknown> {
  return JSON.parse(execFileSync(paths.cli, ['--json', file], { encoding: 'utf8' })) as Record<string, unknown>;
}
