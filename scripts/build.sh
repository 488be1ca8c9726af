#!/usr/bin/env bash
# Builds everything, incrementally: native core + tests + CLI (build/), the wasm module (build-wasm/), the fixture
# dumps (build/fixtures/), then the site (dist/) and the npm package (build/npm/). Run scripts/setup.sh first.
# `build.sh --serve` (npm start) builds only what serving the site needs: the fixture writer (for the sample dump),
# the wasm module and the site; no native tests, no type-check, no npm package.
set -euo pipefail
serve_only=false
[[ ${1:-} == --serve ]] && serve_only=true
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
# Debian's emcc runs its JS optimizer with the machine's Node, which does not search Debian's node modules (acorn).
export NODE_PATH=/usr/share/nodejs
jobs=2  # the machine has 2 cores

step() { echo "build: $* [${SECONDS}s]"; }
# True when the stamp file is missing or any of the given files (or files under the given directories) is newer.
changed_since() {
  local stamp=$1
  shift
  [[ ! -f $stamp ]] || [[ -n $(find "$@" -newer "$stamp" -print -quit) ]]
}

# Configure only once; `cmake --build` re-runs CMake by itself when a CMakeLists.txt changes.
if [[ ! -f build/CMakeCache.txt ]]; then
  step "configuring build/"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
if $serve_only; then
  step "fixture writer (build/)"
  cmake --build build -j "$jobs" --target make-fixtures
else
  step "native (build/)"
  cmake --build build -j "$jobs"
fi

if [[ ! -f build-wasm/CMakeCache.txt ]]; then
  step "configuring build-wasm/"
  emcmake cmake -S . -B build-wasm -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
step "wasm (build-wasm/)"
cmake --build build-wasm -j "$jobs"

# The fixtures only change when their writer does.
# With the driver images the native build makes (tests/images), the symbol fixtures too; with the unwinder's images
# (tests/stack_images), the call-stack fixtures.
image_args=()
image_dirs=()
if [[ -f build/tests/images/symdrva.pdb ]]; then
  image_args+=(--images build/tests/images)
  image_dirs+=(build/tests/images)
fi
if [[ -f build/tests/stack_images/x64/ntoskrnl.pdb && -f build/tests/stack_images/arm64/ntoskrnl.exe ]]; then
  image_args+=(--stack-images build/tests/stack_images)
  image_dirs+=(build/tests/stack_images)
fi
if changed_since build/fixtures/.stamp build/tests/make-fixtures "${image_dirs[@]}"; then
  step "fixtures (build/fixtures/)"
  rm -rf build/fixtures
  build/tests/make-fixtures build/fixtures "${image_args[@]}"
  touch build/fixtures/.stamp
fi
# The site offers the sample dump from its own origin.
cmp -s build/fixtures/sample.dmp web/public/sample.dmp || cp build/fixtures/sample.dmp web/public/sample.dmp

# Type-check (Vite only strips types) and build the site, each only when one of its inputs changed.
site_inputs=(web wasm build-wasm/wasm/kdmpview.js build-wasm/wasm/kdmpview.wasm ./*.config.ts scripts/vite-offline-plugin.ts package-lock.json)
build_site() {
  if changed_since dist/.stamp "${site_inputs[@]}"; then
    step "site (dist/)"
    vite build --logLevel warn
    touch dist/.stamp
  fi
}
if $serve_only; then
  build_site
  step "done"
  exit 0
fi
ts_inputs=(web/src wasm tests/wasm tests/web tests/e2e scripts ./*.config.ts tsconfig*.json package-lock.json)
if changed_since build/tsc/.stamp "${ts_inputs[@]}"; then
  step "type-check"
  mkdir -p build/tsc
  tsc -p tsconfig.json
  tsc -p tsconfig.node.json
  tsc -p tsconfig.sw.json
  touch build/tsc/.stamp
fi
build_site
# The npm package (build/npm): the library entries, the worker, the glue and the wasm, declarations.
package_inputs=(web/src wasm build-wasm/wasm/kdmpview.js build-wasm/wasm/kdmpview.wasm scripts/build-package.mjs tsconfig*.json package-lock.json)
if changed_since build/npm.stamp "${package_inputs[@]}"; then
  step "npm package (build/npm/)"
  node scripts/build-package.mjs
  touch build/npm.stamp
fi
step "done"
