// Physical-memory benchmarks on a sparse 64 GiB bitmap dump with every page present (the bitmap is 2 MiB of ones,
// the page data a hole). Targets: opening in at most 20 ms with at most 4 MiB of index memory.
// The dump is written once per run to $KDMP_SPARSE_DUMP, or /tmp/kdmpview-sparse-64g.dmp.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "dump_writer.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/native_source.hpp"

namespace {

constexpr uint64_t kGib = 64;
constexpr uint64_t kPages = kGib << 18;

const std::string& sparse_path() {
  static const std::string path = [] {
    const char* env = std::getenv("KDMP_SPARSE_DUMP");
    std::string p = env != nullptr && *env != '\0' ? env : "/tmp/kdmpview-sparse-64g.dmp";
    kdmp::fixtures::write_sparse_bitmap_dump(p, kGib);
    return p;
  }();
  return path;
}

kdmp::Dump open_sparse(kdmp::FileReaderKind kind) {
  auto source = kdmp::open_file_source(sparse_path(), kind);
  if (!source.ok()) throw std::runtime_error(source.error().message);
  auto dump = kdmp::Dump::open(std::move(source).value());
  if (!dump.ok()) throw std::runtime_error(dump.error().message);
  return std::move(dump).value();
}

void open_benchmark(benchmark::State& state, kdmp::FileReaderKind kind) {
  sparse_path();
  size_t index_bytes = 0;
  uint64_t pages = 0;
  for (auto _ : state) {
    kdmp::Dump dump = open_sparse(kind);
    index_bytes = dump.physical_index().index_memory_bytes();
    pages = dump.physical_page_count();
    benchmark::DoNotOptimize(pages);
  }
  if (pages != kPages) state.SkipWithError("wrong page count");
  state.counters["index_bytes"] = static_cast<double>(index_bytes);
  state.counters["index_MiB"] = static_cast<double>(index_bytes) / (1 << 20);
  state.counters["pages"] = static_cast<double>(pages);
}

// Opening: header, 2 MiB bitmap read in 1 MiB chunks, popcount and rank directory.
void BM_OpenSparseBitmap64G_File(benchmark::State& state) { open_benchmark(state, kdmp::FileReaderKind::File); }
void BM_OpenSparseBitmap64G_Mmap(benchmark::State& state) { open_benchmark(state, kdmp::FileReaderKind::Mmap); }
BENCHMARK(BM_OpenSparseBitmap64G_File)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OpenSparseBitmap64G_Mmap)->Unit(benchmark::kMillisecond);

// Sequential physical reads of state.range(0) bytes over an 8 MiB window that stays in the 16 MiB block cache.
void BM_ReadPhysicalCached(benchmark::State& state) {
  kdmp::Dump dump = open_sparse(kdmp::FileReaderKind::File);
  const size_t size = static_cast<size_t>(state.range(0));
  constexpr uint64_t kWindow = 8 << 20;
  std::vector<uint8_t> out(size);
  for (uint64_t gpa = 0; gpa < kWindow; gpa += size) {
    if (!dump.read_physical_exact(kdmp::Gpa(gpa), out).ok()) state.SkipWithError("warm-up read failed");
  }
  uint64_t gpa = 0;
  for (auto _ : state) {
    auto st = dump.read_physical_exact(kdmp::Gpa(gpa), out);
    if (!st.ok()) state.SkipWithError(st.error().message.c_str());
    benchmark::DoNotOptimize(out.data());
    gpa = (gpa + size) % kWindow;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}
BENCHMARK(BM_ReadPhysicalCached)->Arg(8)->Arg(0x1000)->Arg(0x10000)->Arg(0x100000);

// Page -> file offset for random PFNs: the rank lookup alone.
void BM_PageOffsetLookup(benchmark::State& state) {
  kdmp::Dump dump = open_sparse(kdmp::FileReaderKind::File);
  std::mt19937_64 rng(1);
  std::vector<uint64_t> pfns(4096);
  for (auto& p : pfns) p = rng() % kPages;
  size_t i = 0;
  for (auto _ : state) {
    auto off = dump.physical_index().page_offset(pfns[i++ & 4095]);
    benchmark::DoNotOptimize(off);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_PageOffsetLookup);

// The memory map: scanning 64 GiB worth of bitmap words for runs.
void BM_PhysicalRanges(benchmark::State& state) {
  kdmp::Dump dump = open_sparse(kdmp::FileReaderKind::File);
  for (auto _ : state) {
    auto ranges = dump.physical_ranges();
    if (ranges.size() != 1 || ranges[0].page_count != kPages) state.SkipWithError("wrong ranges");
    benchmark::DoNotOptimize(ranges.data());
  }
}
BENCHMARK(BM_PhysicalRanges)->Unit(benchmark::kMillisecond);

}  // namespace
