// Symbols: open and index a large PDB (tests/bench/make_big_pdb.py writes one with clang-cl: ~45k functions, 30+ MB;
// the bench build makes it in build-bench/bigpdb/), and address lookups in the index.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>

#include "kdmp/native_source.hpp"
#include "kdmp/pdb.hpp"

namespace {

std::string big_pdb() {
  const char* env = std::getenv("KDMP_BIG_PDB");
  return env ? env : KDMP_BIG_PDB_DEFAULT;
}

void BM_PdbOpenAndIndex(benchmark::State& state) {
  size_t symbols = 0, memory = 0;
  uint64_t size = 0;
  for (auto _ : state) {
    auto source = kdmp::open_file_source(big_pdb(), kdmp::FileReaderKind::File);
    if (!source.ok()) {
      state.SkipWithError(("cannot open " + big_pdb()).c_str());
      return;
    }
    size = (*source)->size();
    auto pdb = kdmp::Pdb::open(std::move(source).value());
    if (!pdb.ok()) {
      state.SkipWithError(pdb.error().message.c_str());
      return;
    }
    auto table = pdb->index_symbols();
    if (!table.ok()) {
      state.SkipWithError(table.error().message.c_str());
      return;
    }
    symbols = table->size();
    memory = table->memory_bytes();
    benchmark::DoNotOptimize(table);
  }
  state.counters["pdb_MiB"] = static_cast<double>(size) / (1 << 20);
  state.counters["symbols"] = static_cast<double>(symbols);
  state.counters["index_MiB"] = static_cast<double>(memory) / (1 << 20);
}
BENCHMARK(BM_PdbOpenAndIndex)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_SymbolLookup(benchmark::State& state) {
  auto source = kdmp::open_file_source(big_pdb(), kdmp::FileReaderKind::File);
  if (!source.ok()) {
    state.SkipWithError(("cannot open " + big_pdb()).c_str());
    return;
  }
  auto pdb = kdmp::Pdb::open(std::move(source).value());
  if (!pdb.ok()) {
    state.SkipWithError(pdb.error().message.c_str());
    return;
  }
  auto table = pdb->index_symbols();
  if (!table.ok() || table->size() == 0) {
    state.SkipWithError("no symbols");
    return;
  }
  const uint32_t lo = table->entries().front().rva, hi = table->entries().back().rva;
  std::mt19937 rng(12);
  std::uniform_int_distribution<uint32_t> pick(lo, hi);
  std::vector<uint32_t> rvas(1 << 16);
  for (uint32_t& r : rvas) r = pick(rng);
  size_t i = 0, found = 0;
  for (auto _ : state) {
    auto hit = table->find(rvas[i++ & (rvas.size() - 1)]);
    found += hit.has_value();
    benchmark::DoNotOptimize(hit);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["found"] = static_cast<double>(found);
}
BENCHMARK(BM_SymbolLookup);

}  // namespace
