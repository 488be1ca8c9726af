#!/usr/bin/env bash
# Installs what the build needs and is missing: Debian packages, then the npm dependencies.
# When everything is there it only checks (dpkg-query, a timestamp), so a second run takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# cmake/g++/ninja: native build; catch2: C++ tests; emscripten: the wasm build; chromium: browser tests;
# clang + libclang-rt-14-dev: sanitizers and libFuzzer; libbenchmark-dev: benchmarks; clang-tools-14 (clang-cl),
# lld (lld-link) and llvm-14 (llvm-rc, llvm-pdbutil): the real driver images and PDBs the symbol tests build;
# libcurl4-openssl-dev: symbol-server downloads in the CLI; libcli11-dev: the CLI's argument parser;
# libcapstone-dev: the CLI's disassembler (--analyze).
apt_packages=(cmake g++ clang ninja-build catch2 libbenchmark-dev libclang-rt-14-dev emscripten chromium clang-tools-14 lld
              llvm-14 libcurl4-openssl-dev libcli11-dev libcapstone-dev)

missing=()
for package in "${apt_packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive  # no prompts: CI has no stdin
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q "${missing[@]}"
fi

# npm ci only when node_modules is missing or older than the lock file (npm writes node_modules/.package-lock.json
# on every install).
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund
fi
