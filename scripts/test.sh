#!/usr/bin/env bash
# `npm test`: set up, build, then every test suite: C++ (ctest), wasm + web in Node (Vitest), browser (Vitest +
# Chromium). Each suite runs even if an earlier one failed, so one run shows every failure; the exit code is
# non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
[[ -t 1 ]] || export NO_COLOR=1  # plain text when the output goes to a CI log or a file

bash scripts/setup.sh
bash scripts/build.sh

results=build/test-results
rm -rf "$results" && mkdir -p "$results"
failed=()
run() {
  local name=$1
  shift
  echo "test: $name"
  "$@" || failed+=("$name")
}

# --timeout: a C++ test stuck in a loop fails after 2 minutes instead of running until CI gives up.
run ctest ctest --test-dir build --output-on-failure -j 2 --timeout 120 --output-junit "$PWD/$results/ctest.xml"
run unit vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json"
run e2e vitest run --project e2e --reporter=default --reporter=json --outputFile.json="$results/e2e.json"
# A short libFuzzer run (ASan + UBSan) over opening, reading and analysing, seeded with the fixtures; run it longer
# with `bash tests/fuzz/run.sh SECONDS`.
run fuzz bash tests/fuzz/run.sh "${KDMP_FUZZ_SECONDS:-20}"

node scripts/test-summary.mjs "$results"
if ((${#failed[@]} > 0)); then
  echo "test: failed: ${failed[*]}"
  exit 1
fi
