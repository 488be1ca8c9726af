// Virtual reads and translations. Targets: sequential 64 KiB reads of cached data >= 1 GB/s; cached translations
// >= 20 million/s. The region is 16 MiB of x64 kernel space, mapped with 4 KiB pages in reverse physical order
// (no two neighbours adjacent) or with 2 MiB pages, read from the fixture memory or from a whole in-memory dump.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "dump_writer.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/virtual_reader.hpp"
#include "page_tables.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {

constexpr uint64_t kRegionVa = 0xfffff803'00000000;
constexpr uint64_t kRegionSize = 16 << 20;
constexpr uint64_t kDataGpa = 0x4000'0000;  // clear of the tables, which start at pfn 0x100
constexpr size_t kChunk = 64 * 1024;

// A 16 MiB mapping laid out in the memory; returns the dtb.
uint64_t map_region(PhysicalMemory& memory, uint64_t page_size) {
  PfnAllocator pfns(0x100);
  PageTableBuilder tables(memory, pfns, PagingMode::X64);
  const uint64_t pages = kRegionSize / page_size;
  for (uint64_t i = 0; i < pages; ++i) {
    tables.map(kRegionVa + i * page_size, kDataGpa + (pages - 1 - i) * page_size, page_size);
  }
  return tables.dtb();
}

// The whole dump (a full dump of the region and its tables) opened from memory.
struct InMemoryDump {
  std::vector<uint8_t> bytes;
  std::unique_ptr<Dump> dump;
  uint64_t dtb = 0;

  explicit InMemoryDump(uint64_t page_size) {
    DumpSpec spec;
    dtb = map_region(spec.memory, page_size);
    spec.directory_table_base = dtb;
    bytes = build_dump(spec);
    OpenOptions options;
    options.cache.budget = 64 << 20;  // the whole dump fits: the data is "cached"
    auto opened = Dump::open(std::make_unique<MemorySource>(bytes), options);
    if (!opened.ok()) throw std::runtime_error(opened.error().message);
    dump = std::make_unique<Dump>(std::move(opened.value()));
  }
};

void read_sequential(benchmark::State& state, PhysicalReader& phys, uint64_t dtb) {
  VirtualReader vr(phys, PagingMode::X64, dtb);
  std::vector<uint8_t> buf(kChunk);
  uint64_t offset = 0;
  for (auto _ : state) {
    auto status = vr.read_exact(Gva(kRegionVa + offset), buf);
    if (!status.ok()) state.SkipWithError(status.error().message.c_str());
    benchmark::DoNotOptimize(buf.data());
    offset = (offset + kChunk) % kRegionSize;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChunk));
}

void BM_VirtualRead_Fixture(benchmark::State& state) {
  PhysicalMemory memory;
  const uint64_t dtb = map_region(memory, static_cast<uint64_t>(state.range(0)));
  PhysicalMemoryReader phys(memory);
  read_sequential(state, phys, dtb);
}
BENCHMARK(BM_VirtualRead_Fixture)->Arg(0x1000)->Arg(0x200000);

void BM_VirtualRead_Dump(benchmark::State& state) {
  InMemoryDump d(static_cast<uint64_t>(state.range(0)));
  read_sequential(state, *d.dump, d.dtb);
}
BENCHMARK(BM_VirtualRead_Dump)->Arg(0x1000)->Arg(0x200000);

// 64 addresses on distinct 4 KiB pages, all in the cache after the first round.
void BM_TranslateCached(benchmark::State& state) {
  InMemoryDump d(0x1000);
  VirtualReader vr(*d.dump, PagingMode::X64, d.dtb);
  uint64_t i = 0;
  for (auto _ : state) {
    auto t = vr.translate(Gva(kRegionVa + (i % 64) * 0x1000 + 0x18));
    benchmark::DoNotOptimize(t);
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TranslateCached);

// The same through the walker alone: four entry reads per translation.
void BM_TranslateWalk(benchmark::State& state) {
  InMemoryDump d(0x1000);
  uint64_t i = 0;
  for (auto _ : state) {
    auto t = translate(*d.dump, PagingMode::X64, d.dtb, Gva(kRegionVa + (i % 4096) * 0x1000 + 0x18));
    benchmark::DoNotOptimize(t);
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TranslateWalk);

}  // namespace
