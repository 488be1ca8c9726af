#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS]: builds the libFuzzer target with ASan and UBSan over the whole core (in build-fuzz/,
# or $KDMP_FUZZ_BUILD_DIR), writes the fixture dumps as the seed corpus, and fuzzes for SECONDS (default 30).
# Exits non-zero when the build fails or the fuzzer finds a crash, a leak, a hang (one input running 60 s: a ceiling
# for a loop, generous because the machine may be busy; every input is bounded work) or an out-of-memory
# (2 GiB); the input that did it is saved under build-fuzz/artifacts/. Reproduce with:
#   build-fuzz/tests/kdmp_fuzz build-fuzz/artifacts/crash-...
set -uo pipefail

seconds="${1:-30}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: tests/fuzz/run.sh [SECONDS]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${KDMP_FUZZ_BUILD_DIR:-$root/build-fuzz}"
corpus="$build/corpus"      # grows across runs: what the fuzzer found interesting
seeds="$build/seeds"        # make-fixtures output, rewritten every run
artifacts="$build/artifacts"
log="$build/fuzz.log"
cxx="${CXX:-clang++}"

fail() {
  echo "fuzz: $*" >&2
  exit 1
}

command -v "$cxx" >/dev/null || fail "$cxx not found (the fuzz build needs clang++ and libclang-rt-14-dev)"
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link -g -O1"
mkdir -p "$build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  CXX="$cxx" cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKDMP_BUILD_FUZZ=ON -DKDMP_BUILD_TESTS=OFF -DKDMP_BUILD_CLI=OFF -DKDMP_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="$flags" >"$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; rm -f "$build/CMakeCache.txt"; fail "configure failed"; }
fi
cmake --build "$build" -j2 --target kdmp_fuzz make-fixtures || fail "build failed"

rm -rf "$seeds"
mkdir -p "$corpus" "$artifacts"
"$build/tests/make-fixtures" "$seeds" || fail "make-fixtures failed"
# The real driver images and PDBs the native build makes (tests/images) seed the PE and PDB readers.
cp "$root"/build/tests/images/*.sys "$root"/build/tests/images/*.pdb "$seeds"/ 2>/dev/null || true
# The unwinder's test images (tests/stack_images: x64, ARM64 and x86 drivers and kernels, the x86 PDB's FPO data).
for dir in "$root"/build/tests/stack_images/*/; do
  for f in "$dir"*.sys "$dir"*.exe "$dir"*.pdb; do
    [ -f "$f" ] && cp "$f" "$seeds/stack-$(basename "$dir")-$(basename "$f")"
  done
done

echo "fuzz: running kdmp_fuzz for ${seconds}s (seeds: $(ls "$seeds" | wc -l) fixtures, corpus: $(ls "$corpus" | wc -l) inputs)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
"$build/tests/kdmp_fuzz" "$corpus" "$seeds" \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -max_len=131072 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
rc=$?

execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
added="$(grep -o 'stat::new_units_added: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
rss="$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1)"
echo "fuzz: ${seconds}s, ${execs:-?} executions, ${added:-?} new inputs, ${cov:-cov: ?} edges, peak RSS ${rss:-?} MiB"
if [ "$rc" -ne 0 ]; then
  echo "fuzz: FAILED (exit $rc); the end of $log:" >&2
  grep -E "ERROR|SUMMARY|runtime error|Test unit written|deadly signal" "$log" | head -20 >&2
  tail -n 40 "$log" >&2
  exit "$rc"
fi
echo "fuzz: no crash (log: $log)"
