// Adds up the results of every suite (ctest's JUnit XML, Vitest's JSON) into one closing line:
// "summary: N passed, N failed, N skipped". Usage: node scripts/test-summary.mjs <results dir>
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'build/test-results';
let passed = 0;
let failed = 0;
let skipped = 0;

const ctest = path.join(dir, 'ctest.xml');
if (existsSync(ctest)) {
  const suite = /<testsuite\b[^>]*>/.exec(readFileSync(ctest, 'utf8'))?.[0] ?? '';
  const attr = (/** @type {string} */ name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
  const total = attr('tests');
  const bad = attr('failures') + attr('errors');
  const skip = attr('skipped') + attr('disabled');
  passed += total - bad - skip;
  failed += bad;
  skipped += skip;
}

for (const name of ['unit.json', 'e2e.json']) {
  const file = path.join(dir, name);
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}

console.log(`summary: ${passed} passed, ${failed} failed, ${skipped} skipped`);
