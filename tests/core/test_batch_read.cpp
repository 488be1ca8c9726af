// Batched reads (batch_read.hpp): a batch gives exactly what the same reads give one by one (bytes, how far each
// got, why it stopped), over 4 KiB and 2 MiB pages, holes, pages and page tables missing from the dump and pages
// past the end of a truncated file; the bounds hold; and a counting source shows the planner's calls: a dense
// batch is a few large reads, a sparse one small reads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "kdmp/batch_read.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/le.hpp"
#include "kdmp/virtual_reader.hpp"
#include "page_tables.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {

constexpr uint64_t kBase = 0xfffff806'00000000;
constexpr uint64_t kLarge = kBase + 0x200000;         // a 2 MiB page at gpa 0x40600000
constexpr uint64_t kHole = kBase + 0x100000;          // not mapped
constexpr uint64_t kNoData = kBase + 0x101000;        // mapped, its page not in the dump
constexpr uint64_t kNoTable = kBase + 0x600000;       // its page table is not in the dump
constexpr uint64_t kEnd = kBase + 0x800000;           // reads are drawn from [kBase, kEnd)
constexpr uint64_t kLargeGpa = 0x40600000;

// A source over bytes that records every read; it may be viewed (as a mapping) or fail from some call on.
class CountingSource final : public ByteSource {
 public:
  CountingSource(std::vector<uint8_t> bytes, ReadHint hint, bool viewable)
      : bytes_(std::move(bytes)), mem_(bytes_), hint_(hint), viewable_(viewable) {}
  uint64_t size() const override { return mem_.size(); }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override {
    sizes.push_back(out.size());
    if (fail) return make_error(ErrorCode::Io, "the source failed", offset);
    return mem_.read(offset, out);
  }
  bool can_view() const override { return viewable_; }
  std::span<const uint8_t> view(uint64_t offset, size_t size) const override {
    return viewable_ ? mem_.view(offset, size) : std::span<const uint8_t>{};
  }
  ReadHint read_hint() const override { return hint_; }

  std::vector<size_t> sizes;  // of every read, in order
  bool fail = false;

 private:
  std::vector<uint8_t> bytes_;
  MemorySource mem_;
  ReadHint hint_;
  bool viewable_;
};

// An x64 dump (full or bitmap layout) whose page tables map, from kBase: 256 4 KiB pages scattered over RAM, a hole,
// a page not in the dump, a 2 MiB page, and a 2 MiB range whose page table is missing.
std::vector<uint8_t> mapped_dump(Layout layout) {
  DumpSpec spec;
  spec.layout = layout;
  PfnAllocator pfns(0x100);
  PageTableBuilder tables(spec.memory, pfns, PagingMode::X64);
  for (uint64_t i = 0; i < 256; ++i) tables.map(kBase + i * 0x1000, (0x1000 + (i * 37 + 11) % 256) << 12, 0x1000);
  tables.map(kNoData, 0x7777000, 0x1000, {.add_data = false});
  tables.map(kNoData + 0x1000, 0x2000000, 0x1000);
  tables.map(kLarge, kLargeGpa, 0x200000);
  tables.map(kNoTable - 0x1000, 0x2001000, 0x1000);
  tables.leave_table_out(kNoTable, 3);
  tables.map(0xffffffff'fffff000, 0x2002000, 0x1000);  // the last page: a read from it wraps
  spec.directory_table_base = tables.dtb();
  return build_dump(spec);
}

struct Opened {
  CountingSource* source;
  Dump dump;
};

Opened open_counted(std::vector<uint8_t> bytes, bool viewable = false, ReadHint hint = {4096, 256 * 1024, 64 * 1024}) {
  auto source = std::make_unique<CountingSource>(std::move(bytes), hint, viewable);
  CountingSource* raw = source.get();
  auto dump = Dump::open(std::move(source));
  REQUIRE(dump.ok());
  return Opened{raw, std::move(dump).value()};
}

// Deterministic reads over [from, to): lengths from 1 byte to three pages, some starting near page ends.
std::vector<BatchRead> random_reads(size_t count, uint64_t from, uint64_t to, uint32_t seed) {
  static constexpr uint32_t kLengths[] = {1, 8, 8, 8, 0x10, 0x30, 0x1000, 0x1800, 0x3000, 0};
  std::vector<BatchRead> reads;
  uint64_t x = seed;
  auto next = [&] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x >> 33;
  };
  for (size_t i = 0; i < count; ++i) {
    uint64_t address = from + next() % (to - from);
    if (next() % 4 == 0) address = (address | 0xfff) - next() % 16;  // near a page end
    reads.push_back({address, kLengths[next() % std::size(kLengths)]});
  }
  return reads;
}

// What the reads give one by one: the bytes, and how far each got and why it stopped (read again from there; a
// read that stopped at the top of the address space stops with `wrap`, as the single read says).
struct Expected {
  std::vector<uint8_t> bytes;
  std::vector<BatchReadStatus> status;
};

template <class ReadFn>
Expected one_by_one(const std::vector<BatchRead>& reads, ErrorCode wrap, ReadFn read) {
  Expected e;
  for (const BatchRead& r : reads) {
    std::vector<uint8_t> buf(r.length);
    BatchReadStatus s;
    if (r.length != 0) {
      Result<size_t> n = read(r.address, std::span<uint8_t>(buf));
      s.done = n.ok() ? static_cast<uint32_t>(*n) : 0;
      if (s.done < r.length && r.address + s.done < r.address) {
        Result<size_t> whole = read(r.address, std::span<uint8_t>(buf));
        REQUIRE((whole.ok() || whole.error().code == wrap));
        s.stop = wrap;
      } else if (s.done < r.length) {
        uint8_t byte;
        Result<size_t> again = read(r.address + s.done, std::span<uint8_t>(&byte, 1));
        REQUIRE_FALSE(again.ok());
        s.stop = again.error().code;
      }
    }
    std::fill(buf.begin() + s.done, buf.end(), 0xcc);
    e.bytes.insert(e.bytes.end(), buf.begin(), buf.end());
    e.status.push_back(s);
  }
  return e;
}

// out's bytes past each read's `done` are not written: blank them as one_by_one does.
void blank_unread(const std::vector<BatchRead>& reads, const std::vector<BatchReadStatus>& status,
                  std::vector<uint8_t>& out) {
  size_t offset = 0;
  for (size_t i = 0; i < reads.size(); ++i) {
    std::fill(out.begin() + offset + status[i].done, out.begin() + offset + reads[i].length, 0xcc);
    offset += reads[i].length;
  }
}

void check_same(const std::vector<BatchRead>& reads, const Expected& e, std::vector<uint8_t> out,
                const std::vector<BatchReadStatus>& status) {
  REQUIRE(status.size() == e.status.size());
  size_t stopped = 0;
  for (size_t i = 0; i < status.size(); ++i) {
    INFO("read " << i << " at " << hex(reads[i].address) << " of " << reads[i].length << " bytes");
    REQUIRE(status[i].done == e.status[i].done);
    REQUIRE(status[i].stop == e.status[i].stop);
    stopped += status[i].stop ? 1 : 0;
  }
  blank_unread(reads, status, out);
  out.resize(e.bytes.size());
  CHECK(out == e.bytes);
  CHECK(stopped > 0);  // the reads did meet missing memory
  CHECK(stopped < status.size());
}

struct Batch {
  std::vector<uint8_t> out;
  std::vector<BatchReadStatus> status;
  BatchStats stats;
};

Batch virtual_batch(Dump& dump, VirtualMemory& vm, const std::vector<BatchRead>& reads) {
  Batch b;
  auto size = batch_bytes(reads);
  REQUIRE(size.ok());
  b.out.assign(*size, 0xee);
  b.status.resize(reads.size());
  REQUIRE(read_virtual_batch(dump, vm, reads, b.out, b.status, &b.stats).ok());
  return b;
}

Batch physical_batch(Dump& dump, const std::vector<BatchRead>& reads) {
  Batch b;
  auto size = batch_bytes(reads);
  REQUIRE(size.ok());
  b.out.assign(*size, 0xee);
  b.status.resize(reads.size());
  REQUIRE(read_physical_batch(dump, reads, b.out, b.status, &b.stats).ok());
  return b;
}

}  // namespace

TEST_CASE("a virtual batch equals the same reads one by one: 4 KiB and 2 MiB pages, holes, missing pages") {
  for (Layout layout : {Layout::Full, Layout::BitmapKernel}) {
    for (bool viewable : {false, true}) {
      DYNAMIC_SECTION(dump_type_of(layout) << (viewable ? " viewed" : " read")) {
        const auto bytes = mapped_dump(layout);
        auto reads = random_reads(3000, kBase, kEnd, 7);
        // And the edges: across the hole, into the page not in the dump, across the 2 MiB page's end, into the
        // missing page table, the top of the address space.
        reads.push_back({kHole - 4, 8});
        reads.push_back({kNoData - 0x10, 0x20});
        reads.push_back({kNoData + 0xff8, 0x10});
        reads.push_back({kLarge + 0x1ffff8, 0x10});
        reads.push_back({kLarge - 0x8, 0x10});
        reads.push_back({kNoTable - 8, 0x10});
        reads.push_back({0xffffffff'fffffff8, 0x10});
        reads.push_back({kLarge + 0x123456, 0});

        Opened single = open_counted(bytes, viewable);
        auto single_vm = single.dump.virtual_memory();
        REQUIRE(single_vm.ok());
        auto* reader = dynamic_cast<VirtualReader*>(single_vm->get());
        REQUIRE(reader != nullptr);
        const Expected e = one_by_one(reads, ErrorCode::InvalidArgument,
                                      [&](uint64_t va, std::span<uint8_t> out) { return reader->read(Gva(va), out); });
        // The reads met every kind of stop.
        for (ErrorCode code : {ErrorCode::NotPresent, ErrorCode::PageNotInDump, ErrorCode::PageTablePageMissing,
                               ErrorCode::InvalidArgument}) {
          CHECK(std::any_of(e.status.begin(), e.status.end(),
                            [&](const BatchReadStatus& s) { return s.stop == code; }));
        }

        Opened batched = open_counted(bytes, viewable);
        auto vm = batched.dump.virtual_memory();
        REQUIRE(vm.ok());
        Batch b = virtual_batch(batched.dump, **vm, reads);
        check_same(reads, e, b.out, b.status);
        CHECK(b.stats.pieces > 1000);  // reads into the holes have none
        if (viewable) CHECK(b.stats.source_reads == 0);
        // Spot values: the pattern says which gpa each word came from.
        CHECK(le::u64(std::span<const uint8_t>(b.out), batch_bytes(std::span(reads).first(reads.size() - 5)).value()) ==
              kLargeGpa + 0x1ffff8);
      }
    }
  }
}

TEST_CASE("a physical batch equals the same reads one by one, also in a truncated file") {
  auto bytes = mapped_dump(Layout::Full);
  // The 2 MiB page is stored last (highest PFNs): cut the file inside it, in the middle of a page.
  bytes.resize(bytes.size() - 0x80000 - 0x800);
  auto reads = random_reads(3000, 0x1000000, 0x1100000, 3);
  const auto large = random_reads(3000, kLargeGpa, kLargeGpa + 0x200000, 5);
  reads.insert(reads.end(), large.begin(), large.end());
  reads.push_back({0x7777000, 8});              // not in the dump
  reads.push_back({0x10ffff8, 0x10});           // the last scattered page, then a missing one
  reads.push_back({0xffffffff'fffffffc, 8});    // past the top
  for (bool viewable : {false, true}) {
    DYNAMIC_SECTION((viewable ? "viewed" : "read")) {
      Opened single = open_counted(bytes, viewable);
      const Expected e = one_by_one(reads, ErrorCode::PageNotInDump, [&](uint64_t gpa, std::span<uint8_t> out) {
        return single.dump.read_physical(Gpa(gpa), out);
      });
      CHECK(std::any_of(e.status.begin(), e.status.end(),
                        [](const BatchReadStatus& s) { return s.stop == ErrorCode::FileEndsEarly; }));
      Opened batched = open_counted(bytes, viewable);
      Batch b = physical_batch(batched.dump, reads);
      check_same(reads, e, b.out, b.status);
      CHECK(le::u64(std::span<const uint8_t>(b.out), b.out.size() - 0x18) == 0x10ffff8);
    }
  }
}

TEST_CASE("a virtual batch reads at the end of a truncated file as the reads one by one do") {
  auto bytes = mapped_dump(Layout::BitmapKernel);
  bytes.resize(bytes.size() - 0x1000 * 100 - 0x234);
  const auto reads = random_reads(2000, kLarge + 0x1c0000, kLarge + 0x200000, 11);
  Opened single = open_counted(bytes);
  auto single_vm = single.dump.virtual_memory();
  REQUIRE(single_vm.ok());
  const Expected e = one_by_one(reads, ErrorCode::InvalidArgument, [&](uint64_t va, std::span<uint8_t> out) {
    return dynamic_cast<VirtualReader&>(**single_vm).read(Gva(va), out);
  });
  CHECK(std::any_of(e.status.begin(), e.status.end(),
                    [](const BatchReadStatus& s) { return s.stop == ErrorCode::FileEndsEarly; }));
  Opened batched = open_counted(bytes);
  auto vm = batched.dump.virtual_memory();
  REQUIRE(vm.ok());
  Batch b = virtual_batch(batched.dump, **vm, reads);
  check_same(reads, e, b.out, b.status);
}

TEST_CASE("a dense batch is a few large source reads, a sparse one small reads") {
  Opened o = open_counted(mapped_dump(Layout::Full));
  auto vm = o.dump.virtual_memory();
  REQUIRE(vm.ok());
  // 20,000 random 8-byte reads in the 2 MiB page.
  std::vector<BatchRead> dense;
  uint64_t x = 1;
  for (int i = 0; i < 20000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    dense.push_back({kLarge + ((x >> 20) % 0x200000 & ~uint64_t{7}), 8});
  }
  Batch warm = virtual_batch(o.dump, **vm, dense);  // the page tables come into the block cache
  o.source->sizes.clear();
  Batch b = virtual_batch(o.dump, **vm, dense);
  CHECK(b.out == warm.out);
  for (size_t i = 0; i < dense.size(); i += 997) {
    INFO(i);
    CHECK(le::u64(std::span<const uint8_t>(b.out), 8 * i) == kLargeGpa + (dense[i].address - kLarge));
  }
  // 2 MiB in chunks of the read-ahead (256 KiB): 8 or 9 calls, at least 8 of them over 64 KiB; all bytes ok.
  CHECK(b.stats.source_reads == o.source->sizes.size());
  CHECK(o.source->sizes.size() >= 8);
  CHECK(o.source->sizes.size() <= 9);
  CHECK(std::count_if(o.source->sizes.begin(), o.source->sizes.end(), [](size_t n) { return n > 0x10000; }) >= 8);
  CHECK(std::all_of(b.status.begin(), b.status.end(), [](const BatchReadStatus& s) { return s.done == 8 && !s.stop; }));

  // 8 reads 256 KiB apart (more than the 64 KiB gap): 8 calls of 8 bytes.
  std::vector<BatchRead> sparse;
  for (uint64_t i = 0; i < 8; ++i) sparse.push_back({kLarge + i * 0x40000 + 0x120, 8});
  o.source->sizes.clear();
  Batch s = virtual_batch(o.dump, **vm, sparse);
  CHECK(o.source->sizes == std::vector<size_t>(8, 8));
  CHECK(s.stats.source_bytes == 64);
  CHECK(le::u64(std::span<const uint8_t>(s.out), 8 * 7) == kLargeGpa + 7 * 0x40000 + 0x120);

  // The same 8 reads with a hint whose gap and read-ahead are 1 MiB: two calls of a chunk (1 MiB) each.
  Opened wide = open_counted(mapped_dump(Layout::Full), false, {4096, 1 << 20, 1 << 20});
  auto wide_vm = wide.dump.virtual_memory();
  REQUIRE(wide_vm.ok());
  virtual_batch(wide.dump, **wide_vm, sparse);
  wide.source->sizes.clear();
  Batch w = virtual_batch(wide.dump, **wide_vm, sparse);
  CHECK(w.stats.source_reads == 2);  // a chunk holds 4 of the reads
  CHECK(wide.source->sizes == std::vector<size_t>{3 * 0x40000 + 8, 3 * 0x40000 + 8});
  CHECK(w.out == s.out);
}

TEST_CASE("a failing source stops each read with Io, and the batch still returns") {
  Opened o = open_counted(mapped_dump(Layout::Full));
  auto vm = o.dump.virtual_memory();
  REQUIRE(vm.ok());
  const std::vector<BatchRead> reads = {{kLarge, 8}, {kLarge + 0x100000, 0x2000}, {kBase + 0x5000, 4}, {kHole, 8}};
  virtual_batch(o.dump, **vm, reads);  // page tables cached
  o.source->fail = true;
  Batch b = virtual_batch(o.dump, **vm, reads);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(b.status[i].done == 0);
    CHECK(b.status[i].stop == ErrorCode::Io);
  }
  CHECK(b.status[3].stop == ErrorCode::NotPresent);
}

TEST_CASE("batch bounds: too many reads, too many bytes, buffers of the wrong size") {
  Opened o = open_counted(mapped_dump(Layout::Full));
  auto vm = o.dump.virtual_memory();
  REQUIRE(vm.ok());
  std::vector<uint8_t> out(16);
  std::vector<BatchReadStatus> status(2);

  std::vector<BatchRead> many(kBatchMaxReads + 1, BatchRead{kLarge, 0});
  auto too_many = batch_bytes(many);
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.error().code == ErrorCode::InvalidArgument);
  CHECK(too_many.error().message == "a batch holds at most 262144 reads, not 262145");
  std::vector<BatchReadStatus> many_status(many.size());
  CHECK(read_virtual_batch(o.dump, **vm, many, out, many_status).error().code == ErrorCode::InvalidArgument);
  many.pop_back();
  many_status.pop_back();
  CHECK(read_virtual_batch(o.dump, **vm, many, out, many_status).ok());  // 2^18 empty reads are fine

  const std::vector<BatchRead> big = {{kLarge, 9u << 20}, {kLarge, 8u << 20}};
  auto too_big = batch_bytes(big);
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.error().message == "a batch reads at most 16777216 bytes, these reads ask for 17825792");
  CHECK(read_physical_batch(o.dump, big, out, status).error().code == ErrorCode::InvalidArgument);

  const std::vector<BatchRead> two = {{kLarge, 8}, {kLarge + 8, 16}};
  auto small = read_virtual_batch(o.dump, **vm, two, out, status);
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().message == "the reads need 24 bytes of output, the buffer holds 16");
  std::vector<BatchReadStatus> one(1);
  out.resize(24);
  auto mismatch = read_virtual_batch(o.dump, **vm, two, out, one);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().message == "a batch of 2 reads needs as many statuses, not 1");
  REQUIRE(read_virtual_batch(o.dump, **vm, two, out, status).ok());
  CHECK(le::u64(std::span<const uint8_t>(out), 8) == kLargeGpa + 8);
  CHECK(le::u64(std::span<const uint8_t>(out), 16) == kLargeGpa + 16);
}

TEST_CASE("a virtual batch walks the page tables in address order: each table page comes into the cache once") {
  // 32 regions 2 MiB apart, each with its own page table and 10 pages; a cache of 8 blocks of 4 KiB.
  DumpSpec spec;
  PfnAllocator pfns(0x100);
  PageTableBuilder tables(spec.memory, pfns, PagingMode::X64);
  for (uint64_t region = 0; region < 32; ++region) {
    for (uint64_t page = 0; page < 10; ++page) {
      tables.map(kBase + region * 0x200000 + page * 0x1000, (0x3000 + region * 10 + page) << 12, 0x1000);
    }
  }
  spec.directory_table_base = tables.dtb();
  auto source = std::make_unique<CountingSource>(build_dump(spec), ReadHint{4096, 0, 4096}, false);
  CountingSource* counted = source.get();
  auto dump = Dump::open(std::move(source), OpenOptions{.cache = {.budget = 8 * 4096}});
  REQUIRE(dump.ok());
  auto vm = dump->virtual_memory();
  REQUIRE(vm.ok());
  // Round-robin over the regions: made one by one, every read would need another table than the one before.
  std::vector<BatchRead> reads;
  for (uint64_t page = 0; page < 10; ++page) {
    for (uint64_t region = 0; region < 32; ++region) {
      reads.push_back({kBase + region * 0x200000 + page * 0x1000 + 0x18, 8});
    }
  }
  counted->sizes.clear();
  Batch b = virtual_batch(*dump, **vm, reads);
  for (size_t i = 0; i < reads.size(); ++i) {
    INFO(i);
    REQUIRE(b.status[i].done == 8);
    REQUIRE(le::u64(std::span<const uint8_t>(b.out), 8 * i) == ((0x3000 + (i % 32) * 10 + i / 32) << 12) + 0x18);
  }
  // 32 page tables plus the PML4, PDPT and PD, each read once; the data in a few coalesced reads.
  const uint64_t table_reads = counted->sizes.size() - b.stats.source_reads;
  CHECK(table_reads >= 32);
  CHECK(table_reads <= 40);
  CHECK(b.stats.source_reads <= 25);
}
