// The byte sources and the cache in front of them: reads across block boundaries, read-ahead on sequential misses,
// big reads that leave the cache alone, short and failing sources, and the zero-copy path (a viewable source, the
// memory mapping) against the copying path (the block cache, pread) byte for byte.
#include <array>
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "dense_writer.hpp"
#include "kdmp/block_cache.hpp"
#include "kdmp/native_source.hpp"
#include "kdmp/virtual_reader.hpp"
#include "page_tables.hpp"
#include "test_physmem_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {

// A source over a buffer that cannot be viewed, counts its reads, may claim more bytes than it has (a file that
// shrank) and may be told to fail.
class CountingSource final : public ByteSource {
 public:
  CountingSource(std::vector<uint8_t> bytes, ReadHint hint, uint64_t claimed = 0)
      : bytes_(std::move(bytes)), hint_(hint), claimed_(claimed != 0 ? claimed : bytes_.size()) {}
  uint64_t size() const override { return claimed_; }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override {
    ++reads;
    if (fail) return make_error(ErrorCode::Io, "the source failed", offset);
    const size_t n = clip_to(bytes_.size(), offset, out.size());
    if (n != 0) std::memcpy(out.data(), bytes_.data() + offset, n);
    return n;
  }
  ReadHint read_hint() const override { return hint_; }
  int reads = 0;
  bool fail = false;

 private:
  std::vector<uint8_t> bytes_;
  ReadHint hint_;
  uint64_t claimed_;
};

std::vector<uint8_t> numbered(size_t size) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 7 + (i >> 8));
  return bytes;
}

// The cache over a CountingSource, with a handle on the source.
struct Cached {
  CountingSource* source;
  BlockCache cache;
  Cached(std::vector<uint8_t> bytes, ReadHint hint, CacheOptions options = {}, uint64_t claimed = 0)
      : Cached(std::make_unique<CountingSource>(std::move(bytes), hint, claimed), options) {}

 private:
  Cached(std::unique_ptr<CountingSource> s, CacheOptions options) : source(s.get()), cache(std::move(s), options) {}
};

// Owns its bytes and lets them be viewed, as the memory mapping does.
class ViewedSource final : public ByteSource {
 public:
  explicit ViewedSource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)), mem_(bytes_) {}
  uint64_t size() const override { return mem_.size(); }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override { return mem_.read(offset, out); }
  bool can_view() const override { return true; }
  std::span<const uint8_t> view(uint64_t offset, size_t size) const override { return mem_.view(offset, size); }

 private:
  std::vector<uint8_t> bytes_;
  MemorySource mem_;
};

// A Dump over bytes whose source can be viewed (zero copy) or not (block cache), with the given hint.
Result<Dump> open_as(const std::vector<uint8_t>& bytes, bool viewable, ReadHint hint = {}) {
  if (viewable) return Dump::open(std::make_unique<ViewedSource>(bytes));
  return Dump::open(std::make_unique<CountingSource>(bytes, hint));
}

}  // namespace

TEST_CASE("the cache takes its block size and read-ahead from the source's hint, and views pass through") {
  Cached pread(numbered(1 << 20), {4096, 256 * 1024});
  CHECK(pread.cache.options().block_size == 4096);
  CHECK(pread.cache.options().read_ahead == 256 * 1024);
  CHECK(pread.cache.max_blocks() == 4096);
  CHECK_FALSE(pread.cache.can_view());

  Cached browser(numbered(1 << 20), {64 * 1024, 4 << 20}, {.budget = 1 << 20});
  CHECK(browser.cache.options().block_size == 64 * 1024);
  CHECK(browser.cache.options().read_ahead == 4 * 64 * 1024);  // at most a quarter of the cache

  const auto bytes = numbered(10000);
  BlockCache viewed(std::make_unique<MemorySource>(bytes));
  CHECK(viewed.can_view());
  CHECK(viewed.options().block_size == 0);
  const auto v = viewed.view(9990, 100);
  CHECK(v.data() == bytes.data() + 9990);
  CHECK(v.size() == 10);
  CHECK(viewed.view(10000, 1).empty());
  std::vector<uint8_t> out(20);
  CHECK(*viewed.read(9990, out) == 10);
  CHECK(std::equal(out.begin(), out.begin() + 10, bytes.begin() + 9990));
  CHECK(viewed.cached_blocks() == 0);
}

TEST_CASE("reads across block boundaries return the source's bytes, whatever their size and place") {
  const auto bytes = numbered(3 * 65536 + 1234);  // the last block is short
  for (const ReadHint hint : {ReadHint{4096, 0}, ReadHint{4096, 64 * 1024}, ReadHint{65536, 1 << 20}}) {
    INFO("block " << hint.block_size << " read-ahead " << hint.read_ahead);
    Cached c(bytes, hint, {.budget = 64 * 1024});
    std::mt19937_64 rng(5);
    for (int i = 0; i < 2000; ++i) {
      const uint64_t offset = rng() % (bytes.size() + 100);
      const size_t size = i % 10 == 0 ? rng() % 40000 : rng() % 9000;
      std::vector<uint8_t> out(size, 0xee);
      auto got = c.cache.read(offset, out);
      REQUIRE(got.ok());
      const size_t expect = clip_to(bytes.size(), offset, size);
      REQUIRE(*got == expect);
      REQUIRE(std::equal(out.begin(), out.begin() + expect, bytes.begin() + offset));
    }
    CHECK(c.cache.cached_blocks() <= c.cache.max_blocks());
  }
}

TEST_CASE("sequential misses read ahead in growing windows; random ones read one block") {
  SECTION("sequential") {
    Cached c(numbered(4 << 20), {4096, 256 * 1024});
    std::vector<uint8_t> out(512);
    for (uint64_t offset = 0; offset < (2 << 20); offset += out.size()) REQUIRE(c.cache.read(offset, out).ok());
    // 512 blocks in windows of 1, 2, 4, ... 64 blocks: 7 reads up to 127 blocks, then 64 blocks a read.
    CHECK(c.source->reads == 7 + (512 - 127 + 63) / 64);
    CHECK(c.cache.stats().bytes_read == (127 + 7 * 64) * 4096);
  }
  SECTION("random") {
    Cached c(numbered(4 << 20), {4096, 256 * 1024});
    std::mt19937_64 rng(3);
    uint8_t b[8];
    for (int i = 0; i < 100; ++i) REQUIRE(c.cache.read((rng() % 1024) * 4096 * 4 + 16, b).ok());
    CHECK(c.cache.stats().bytes_read == c.cache.stats().misses * 4096);
  }
}

TEST_CASE("big reads go to the source directly and do not evict what small reads use") {
  Cached c(numbered(8 << 20), {4096, 0}, {.budget = 64 * 1024});  // 16 blocks
  uint8_t b[8];
  REQUIRE(c.cache.read(0x1008, b).ok());
  const auto misses = c.cache.stats().misses;
  std::vector<uint8_t> chunk(1 << 20);
  for (uint64_t offset = 0; offset < (8 << 20); offset += chunk.size()) {
    REQUIRE(*c.cache.read(offset, chunk) == chunk.size());
  }
  CHECK(c.cache.stats().direct_reads == 8);
  REQUIRE(c.cache.read(0x1010, b).ok());
  CHECK(c.cache.stats().misses == misses);
  CHECK(b[0] == numbered(0x1011)[0x1010]);
}

TEST_CASE("a source shorter than it claims, and a failing source") {
  SECTION("short: reads stop where the bytes stop, read_exact names the offset") {
    Cached c(numbered(10000), {4096, 64 * 1024}, {}, 20000);
    std::vector<uint8_t> out(4000);
    CHECK(*c.cache.read(8000, out) == 2000);
    CHECK(*c.cache.read(12000, out) == 0);
    auto st = read_exact(c.cache, 9000, out);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::FileTooSmall);
    CHECK(st.error().where == 9000);
  }
  SECTION("failing: the error comes back, and the cache works again once the source does") {
    Cached c(numbered(1 << 20), {4096, 64 * 1024}, {.budget = 16 * 4096});
    std::vector<uint8_t> out(100);
    c.source->fail = true;
    for (uint64_t offset : {0, 4096, 8192, 100000}) {
      auto r = c.cache.read(offset, out);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == ErrorCode::Io);
    }
    c.source->fail = false;
    const auto bytes = numbered(1 << 20);
    for (uint64_t offset = 0; offset < (1 << 20); offset += 4096 * 3 + 17) {
      REQUIRE(*c.cache.read(offset, out) == out.size());
      REQUIRE(std::equal(out.begin(), out.end(), bytes.begin() + offset));
    }
  }
}

TEST_CASE("zero-copy and copying paths read the same bytes from every fixture") {
  for (const char* name : {"full-two-runs.dmp", "bitmap-kernel.dmp", "bitmap-full.dmp", "rdmp-complete.dmp",
                           "full-truncated.dmp", "bitmap-truncated.dmp", "rdmp-truncated.dmp", "sample.dmp"}) {
    INFO(name);
    const auto bytes = fixture_bytes(name);
    auto viewed = open_as(bytes, true);
    auto copied = open_as(bytes, false, {4096, 64 * 1024});
    REQUIRE(viewed.ok());
    REQUIRE(copied.ok());
    CHECK(viewed->cache().can_view());
    CHECK_FALSE(copied->cache().can_view());
    std::mt19937_64 rng(9);
    std::vector<uint64_t> pfns;
    viewed->for_each_physical_page([&](uint64_t pfn) {
      pfns.push_back(pfn);
      return true;
    });
    REQUIRE_FALSE(pfns.empty());
    for (int i = 0; i < 300; ++i) {
      const uint64_t gpa = pfns[rng() % pfns.size()] * 0x1000 + rng() % 0x1000;
      std::vector<uint8_t> a(1 + rng() % 0x2400, 0x11), b(a.size(), 0x22);
      auto ra = viewed->read_physical(Gpa(gpa), a);
      auto rb = copied->read_physical(Gpa(gpa), b);
      REQUIRE(ra.ok() == rb.ok());
      if (!ra.ok()) {
        CHECK(ra.error().message == rb.error().message);
        continue;
      }
      REQUIRE(*ra == *rb);
      REQUIRE(std::equal(a.begin(), a.begin() + *ra, b.begin()));
      auto ea = viewed->read_physical_exact(Gpa(gpa), a);
      auto eb = copied->read_physical_exact(Gpa(gpa), b);
      REQUIRE(ea.ok() == eb.ok());
      if (!ea.ok()) CHECK(ea.error().message == eb.error().message);
      // A view, when there is one, holds the same bytes; the copying source never gives one.
      const auto v = viewed->view_physical(Gpa(gpa), a.size());
      if (!v.empty()) CHECK(std::equal(v.begin(), v.end(), b.begin()));
      if (ea.ok() && !v.empty()) CHECK(v.size() == a.size());
      CHECK(copied->view_physical(Gpa(gpa), a.size()).empty());
    }
    for (int i = 0; i < 100; ++i) {
      const uint64_t offset = rng() % (bytes.size() + 64);
      std::vector<uint8_t> a(rng() % 0x3000), b(a.size());
      REQUIRE(*viewed->read_file(offset, a) == *copied->read_file(offset, b));
      CHECK(a == b);
    }
  }
}

TEST_CASE("view_physical covers stored runs only") {
  auto dump = open_as(fixture_bytes("full-two-runs.dmp"), true);
  REQUIRE(dump.ok());
  // PFNs 0x1-0x4 are stored one after another; 0x5 is not stored.
  const auto v = dump->view_physical(Gpa(0x1ff8), 0x2010);
  REQUIRE(v.size() == 0x2010);
  CHECK(holds_pattern(v, 0x1ff8));
  CHECK(dump->view_physical(Gpa(0x4ff8), 0x10).empty());
  CHECK(dump->view_physical(Gpa(0x5000), 8).empty());
  CHECK(dump->view_physical(Gpa(0x1000), 0).empty());
  CHECK(dump->view_physical(Gpa(~uint64_t{0} - 3), 8).empty());
}

TEST_CASE("view_physical gives no view of a page the truncated file holds only part of, as reads refuse it") {
  const auto bytes = fixture_bytes("full-truncated.dmp");
  auto dump = open_as(bytes, true);
  REQUIRE(dump.ok());
  // PFN 0x10 is stored at 0x6000 and the file ends at 0x6800: its first bytes are in the file, its page is not whole.
  REQUIRE(bytes.size() == 0x6800);
  REQUIRE(dump->physical_to_file(Gpa(0x10000)).has_value());
  CHECK(dump->physical_to_file(Gpa(0x10000))->value == 0x6000);
  std::array<uint8_t, 16> out{};
  CHECK_FALSE(dump->read_physical_exact(Gpa(0x10000), out).ok());
  CHECK(dump->view_physical(Gpa(0x10000), 16).empty());
  // The whole pages before it still have views.
  CHECK(dump->view_physical(Gpa(0x1000), 16).size() == 16);
}

TEST_CASE("page-table pages stay cached while data streams through") {
  // 64 4 KiB pages whose frames are far apart, and 32 MiB of other data, read through a pread-like source.
  PhysicalMemory memory;
  PfnAllocator pfns(0x100);
  PageTableBuilder tables(memory, pfns, PagingMode::X64);
  const uint64_t va = 0xfffff803'00000000;
  for (uint64_t i = 0; i < 64; ++i) tables.map(va + i * 0x1000, 0x10000000 + i * 0x100000, 0x1000);
  memory.add_range(0x20000, 0x2000);
  DumpSpec spec;
  spec.layout = Layout::BitmapFull;  // more runs than a run list holds
  spec.memory = memory;
  spec.directory_table_base = tables.dtb();
  auto dump = open_as(build_dump(spec), false, {4096, 64 * 1024});
  INFO((dump.ok() ? std::string() : dump.error().message));
  REQUIRE(dump.ok());
  VirtualReader vr(*dump, PagingMode::X64, tables.dtb());
  uint8_t b[8];
  REQUIRE(vr.read_exact(Gva(va + 8), b).ok());
  CHECK(le::u64(b, 0) == 0x10000008);
  std::vector<uint8_t> chunk(1 << 20);
  for (uint64_t gpa = 0x20000000; gpa < 0x22000000; gpa += chunk.size()) {
    REQUIRE(dump->read_physical_exact(Gpa(gpa), chunk).ok());
  }
  const auto misses = dump->cache().stats().misses;
  REQUIRE(vr.read_exact(Gva(va + 0x5000 + 16), b).ok());
  CHECK(le::u64(b, 0) == 0x10500010);
  CHECK(dump->cache().stats().misses == misses + 1);  // the data page only: the tables were still there
}

TEST_CASE("the mapped and the pread file sources read the same bytes, truncated files included") {
  const auto dir = std::filesystem::temp_directory_path() / "kdmpview-source-test";
  std::filesystem::create_directories(dir);
  for (const char* name : {"bitmap-full.dmp", "full-truncated.dmp", "rdmp-truncated.dmp"}) {
    INFO(name);
    const auto path = (dir / name).string();
    write_file(path, fixture_bytes(name));
    auto mapped = open_file_source(path, FileReaderKind::Mmap);
    auto pread = open_file_source(path, FileReaderKind::File);
    REQUIRE(mapped.ok());
    REQUIRE(pread.ok());
    CHECK((*mapped)->can_view());
    CHECK_FALSE((*pread)->can_view());
    CHECK((*pread)->read_hint().block_size == 4096);
    auto a = Dump::open(std::move(mapped).value());
    auto b = Dump::open(std::move(pread).value());
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    for (uint64_t gpa = 0; gpa < 0x2000000; gpa += 0x7f8) {
      std::vector<uint8_t> x(0x1800), y(0x1800);
      auto ra = a->read_physical(Gpa(gpa), x);
      auto rb = b->read_physical(Gpa(gpa), y);
      REQUIRE(ra.ok() == rb.ok());
      if (ra.ok()) {
        REQUIRE(*ra == *rb);
        REQUIRE(x == y);
      } else {
        REQUIRE(ra.error().code == rb.error().code);
      }
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the dense benchmark dump's layout scatters frames and tables without collisions") {
  const DenseDump d = dense_bitmap_layout(2);
  std::vector<bool> used(d.pages);
  for (uint64_t i = 0; i < d.region_size / 0x1000; ++i) {
    REQUIRE_FALSE(used[d.data_pfn(i)]);
    used[d.data_pfn(i)] = true;
  }
  for (uint64_t i = 0; i < 3 + 512; ++i) {
    REQUIRE_FALSE(used[d.table_pfn(i)]);
    used[d.table_pfn(i)] = true;
  }
  CHECK(d.data_pfn(1) != d.data_pfn(0) + 1);
  CHECK(d.dtb == d.table_pfn(0) * 0x1000);
}
