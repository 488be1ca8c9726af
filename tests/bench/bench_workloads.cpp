// The workloads of issue 11, through the public API, on the dense 4 GiB dump (tests/fixtures/dense_writer.hpp,
// written once to $KDMP_DENSE_DUMP or /tmp/kdmpview-dense-4g.dmp) with both native sources:
//   - read every physical page (4 KiB reads) and hash it
//   - read 256 MiB of virtual memory through 4 KiB pages whose frames are scattered (4 KiB and 1 MiB reads)
//   - 200,000 random 8-byte virtual reads over 1 GiB of 4 KiB pages
//   - open the dump
// Each iteration starts from a fresh address space (cold translation cache); the page cache is warm after the
// first. Counters: rss_anon_MiB = resident memory that is not a file mapping, after the run.
// The peers' drivers (not in this repository) run the same work; README's Figures table has both.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "dense_writer.hpp"
#include "dense_hash.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/le.hpp"
#include "kdmp/native_source.hpp"

namespace {

using kdmp::fixtures::DenseDump;

constexpr uint64_t kDenseGib = 4;
constexpr uint64_t kSequentialBytes = 256 << 20;
constexpr size_t kRandomReads = 200000;

const std::string& dense_path() {
  static const std::string path = [] {
    const char* env = std::getenv("KDMP_DENSE_DUMP");
    return std::string(env != nullptr && *env != '\0' ? env : "/tmp/kdmpview-dense-4g.dmp");
  }();
  return path;
}

const DenseDump& dense() {
  static const DenseDump d = kdmp::fixtures::ensure_dense_bitmap_dump(dense_path(), kDenseGib);
  return d;
}

kdmp::Dump open_dense(kdmp::FileReaderKind kind) {
  dense();
  auto source = kdmp::open_file_source(dense_path(), kind);
  if (!source.ok()) throw std::runtime_error(source.error().message);
  auto dump = kdmp::Dump::open(std::move(source).value());
  if (!dump.ok()) throw std::runtime_error(dump.error().message);
  return std::move(dump).value();
}

double rss_anon_mib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  double kib = 0;
  while (status >> key) {
    if (key == "RssAnon:") {
      status >> kib;
      break;
    }
  }
  return kib / 1024;
}

kdmp::FileReaderKind kind_of(const benchmark::State& state) {
  return state.range(0) == 0 ? kdmp::FileReaderKind::Mmap : kdmp::FileReaderKind::File;
}

void BM_Dense_Open(benchmark::State& state) {
  dense();
  for (auto _ : state) {
    kdmp::Dump dump = open_dense(kind_of(state));
    benchmark::DoNotOptimize(dump.physical_page_count());
  }
  state.counters["rss_anon_MiB"] = rss_anon_mib();
}
BENCHMARK(BM_Dense_Open)->ArgName("pread")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Dense_PhysicalScan(benchmark::State& state) {
  kdmp::Dump dump = open_dense(kind_of(state));
  std::vector<uint8_t> page(0x1000);
  uint64_t h = 0, pages = 0;
  for (auto _ : state) {
    pages = 0;
    dump.for_each_physical_range([&](const kdmp::PhysicalRange& r) {
      for (uint64_t pfn = r.first_pfn; pfn < r.first_pfn + r.page_count; ++pfn) {
        if (!dump.read_physical_exact(kdmp::Gpa(pfn << 12), page).ok()) return false;
        h = kdmp::bench::hash_page(page, h);
        ++pages;
      }
      return true;
    });
    if (pages != dense().pages) state.SkipWithError("a physical page could not be read");
  }
  benchmark::DoNotOptimize(h);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * pages * 0x1000));
  state.counters["rss_anon_MiB"] = rss_anon_mib();
}
BENCHMARK(BM_Dense_PhysicalScan)->ArgName("pread")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Dense_VirtualSequential(benchmark::State& state) {
  kdmp::Dump dump = open_dense(kind_of(state));
  const DenseDump& d = dense();
  std::vector<uint8_t> buf(static_cast<size_t>(state.range(1)));
  uint64_t h = 0;
  for (auto _ : state) {
    auto vm = dump.virtual_memory();
    if (!vm.ok()) state.SkipWithError(vm.error().message.c_str());
    for (uint64_t off = 0; off < kSequentialBytes; off += buf.size()) {
      auto st = (*vm)->read_virtual_exact(kdmp::Gva(d.region_va + off), buf);
      if (!st.ok()) {
        state.SkipWithError(st.error().message.c_str());
        break;
      }
      h = kdmp::bench::hash_page(buf, h);
    }
    if (kdmp::le::u64(buf, 0) != d.gpa_of(d.region_va + kSequentialBytes - buf.size())) {
      state.SkipWithError("read the wrong page");
    }
  }
  benchmark::DoNotOptimize(h);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kSequentialBytes));
  state.counters["rss_anon_MiB"] = rss_anon_mib();
}
BENCHMARK(BM_Dense_VirtualSequential)
    ->ArgNames({"pread", "read"})
    ->Args({0, 0x1000})
    ->Args({0, 0x100000})
    ->Args({1, 0x1000})
    ->Args({1, 0x100000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_Dense_VirtualRandom8(benchmark::State& state) {
  kdmp::Dump dump = open_dense(kind_of(state));
  const DenseDump& d = dense();
  std::vector<uint64_t> vas(kRandomReads);
  std::mt19937_64 rng(11);
  for (auto& va : vas) va = d.region_va + (rng() % d.region_size & ~uint64_t{7});
  uint64_t bad = 0;
  for (auto _ : state) {
    auto vm = dump.virtual_memory();
    if (!vm.ok()) state.SkipWithError(vm.error().message.c_str());
    for (const uint64_t va : vas) {
      auto value = kdmp::read_pointer(**vm, va, 8);
      if (!value.ok() || *value != d.gpa_of(va)) ++bad;
    }
  }
  if (bad != 0) state.SkipWithError("a random read failed or read the wrong bytes");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRandomReads));
  state.counters["rss_anon_MiB"] = rss_anon_mib();
}
BENCHMARK(BM_Dense_VirtualRandom8)->ArgName("pread")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
