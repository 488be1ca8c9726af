// `npm start` builds only what serving needs (scripts/build.sh --serve): the fixture writer, the wasm module and the
// site, not the native tests, the type-check or the npm package. Run after a build, so it only checks and skips.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm start', () => {
  it('calls build.sh --serve, which builds the site without the tests, the type-check or the package', () => {
    expect(readFileSync(`${root}scripts/start.sh`, 'utf8')).toMatch(/^bash scripts\/build\.sh --serve$/m);
    const out = execFileSync('bash', ['scripts/build.sh', '--serve'], { cwd: root, encoding: 'utf8' });
    const steps = [...out.matchAll(/^build: (.*?) \[\d+s\]$/gm)].map((m) => m[1]);
    expect(steps).toContain('fixture writer (build/)');
    expect(steps).toContain('wasm (build-wasm/)');
    expect(steps.at(-1)).toBe('done');
    for (const step of steps) expect(step).not.toMatch(/type-check|npm package|^native/);
  }, 300_000);
});
