// VirtualReader: reads that cross pages of every size and stop where memory ends, and the translation cache.
// Data pages hold the default pattern (the u64 at gpa A is A), so every u64 read says which gpa it came from.
#include <catch2/catch.hpp>

#include <vector>

#include "kdmp/le.hpp"
#include "kdmp/virtual_reader.hpp"
#include "page_tables.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using Catch::Matchers::Contains;

namespace {

constexpr uint64_t kVa = 0xfffff803'12345000;

// The gpa each 8-byte word of buf came from (buf starts 8-aligned in the pattern).
uint64_t word(const std::vector<uint8_t>& buf, size_t i) { return le::u64(buf, 8 * i); }

VirtualReader reader_for(PagingFixture& f) { return VirtualReader(f.reader, f.tables.mode(), f.tables.dtb()); }

// A translation answered from a cache equals the full walk: the same translation, or the same error.
void check_same_translation(const Result<Translation>& cached, const Result<Translation>& direct) {
  REQUIRE(cached.ok() == direct.ok());
  if (cached.ok()) {
    CHECK(*cached == *direct);
  } else {
    CHECK(cached.error().code == direct.error().code);
    CHECK(cached.error().message == direct.error().message);
  }
}

}  // namespace

TEST_CASE("virtual read of 0x20 bytes at page offset 0xff8 crosses into a non-adjacent frame") {
  for (PagingMode mode : {PagingMode::X64, PagingMode::Arm64, PagingMode::X86Pae, PagingMode::X86}) {
    DYNAMIC_SECTION(paging_mode_name(mode)) {
      PagingFixture f(mode);
      const uint64_t va = mode == PagingMode::X64 ? kVa : mode == PagingMode::Arm64 ? 0xffff8000'12345000 : 0x8123'4000;
      f.tables.map(va, 0x0a5b3000, 0x1000);
      f.tables.map(va + 0x1000, 0x0711d000, 0x1000);  // lower than the first page
      VirtualReader vr = reader_for(f);
      std::vector<uint8_t> buf(0x20);
      auto n = vr.read(Gva(va + 0xff8), buf);
      REQUIRE(n.ok());
      CHECK(*n == 0x20);
      CHECK(word(buf, 0) == 0x0a5b3ff8);
      CHECK(word(buf, 1) == 0x0711d000);
      CHECK(word(buf, 2) == 0x0711d008);
      CHECK(word(buf, 3) == 0x0711d010);
    }
  }
}

TEST_CASE("virtual read of 0x2000 bytes at offset 0x10 spans three scattered pages") {
  PagingFixture f(PagingMode::X64);
  const uint64_t frames[] = {0x0a5b3000, 0x0711d000, 0x0f00f000};
  for (int i = 0; i < 3; ++i) f.tables.map(kVa + 0x1000 * i, frames[i], 0x1000);
  VirtualReader vr = reader_for(f);
  std::vector<uint8_t> buf(0x2000);
  REQUIRE(vr.read_exact(Gva(kVa + 0x10), buf).ok());
  for (size_t i = 0; i < buf.size() / 8; ++i) {
    const uint64_t off = 0x10 + 8 * i;  // offset from kVa
    INFO("word " << i);
    REQUIRE(word(buf, i) == frames[off / 0x1000] + off % 0x1000);
  }
}

TEST_CASE("virtual read across two 2 MiB pages and from a 4 KiB page into a 2 MiB page") {
  PagingFixture f(PagingMode::X64);
  const uint64_t va = 0xfffff803'12800000;
  f.tables.map(va, 0x40600000, 0x200000, {.pat = true});
  f.tables.map(va + 0x200000, 0x40200000, 0x200000, {.pat = true});
  f.tables.map(va - 0x1000, 0x0a5b3000, 0x1000);
  VirtualReader vr = reader_for(f);

  std::vector<uint8_t> buf(0x40);
  REQUIRE(vr.read_exact(Gva(va + 0x1fffe0), buf).ok());
  CHECK(word(buf, 0) == 0x407fffe0);
  CHECK(word(buf, 3) == 0x407ffff8);
  CHECK(word(buf, 4) == 0x40200000);
  CHECK(word(buf, 7) == 0x40200018);

  REQUIRE(vr.read_exact(Gva(va - 0x10), buf).ok());
  CHECK(word(buf, 0) == 0x0a5b3ff0);
  CHECK(word(buf, 1) == 0x0a5b3ff8);
  CHECK(word(buf, 2) == 0x40600000);

  // A long read through a whole 2 MiB page and into the next one.
  std::vector<uint8_t> big(0x201000);
  REQUIRE(vr.read_exact(Gva(va + 0x800), big).ok());
  CHECK(word(big, 0) == 0x40600800);
  CHECK(word(big, (0x200000 - 0x800) / 8 - 1) == 0x407ffff8);
  CHECK(word(big, (0x200000 - 0x800) / 8) == 0x40200000);
  CHECK(word(big, big.size() / 8 - 1) == 0x402017f8);
}

TEST_CASE("virtual read of a 1 GiB page") {
  PagingFixture f(PagingMode::X64);
  const uint64_t va = 0xffffc000'00000000;
  f.tables.map(va, 0xc0000000, 0x40000000, {.pat = true, .add_data = false});
  f.memory.add_range(0xd2345, 2);
  VirtualReader vr = reader_for(f);
  std::vector<uint8_t> buf(0x20);
  REQUIRE(vr.read_exact(Gva(va + 0x12345ff0), buf).ok());
  CHECK(word(buf, 0) == 0xd2345ff0);
  CHECK(word(buf, 2) == 0xd2346000);
}

TEST_CASE("a read into an unmapped page returns the part before it; read_exact names the unmapped va") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa, 0x0a5b3000, 0x1000);
  f.tables.map(kVa + 0x2000, 0x0a5b5000, 0x1000);  // kVa + 0x1000 stays unmapped
  VirtualReader vr = reader_for(f);
  std::vector<uint8_t> buf(0x2000);

  auto n = vr.read(Gva(kVa + 0x800), buf);
  REQUIRE(n.ok());
  CHECK(*n == 0x800);
  CHECK(word(buf, 0) == 0x0a5b3800);
  CHECK(word(buf, 0xff) == 0x0a5b3ff8);

  auto exact = vr.read_exact(Gva(kVa + 0x800), buf);
  REQUIRE_FALSE(exact.ok());
  CHECK(exact.error().code == ErrorCode::NotPresent);
  CHECK(exact.error().where == kVa + 0x1000);
  CHECK_THAT(exact.error().message, Contains("PTE") && Contains("va 0xfffff80312346000"));

  // Starting on the unmapped page: nothing to return, so the error.
  auto none = vr.read(Gva(kVa + 0x1ff0), buf);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::NotPresent);
  CHECK(none.error().where == kVa + 0x1ff0);
}

TEST_CASE("a read into a data page missing from the dump stops there") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa, 0x0a5b3000, 0x1000);
  f.tables.map(kVa + 0x1000, 0x0a5b4000, 0x1000, {.add_data = false});
  VirtualReader vr = reader_for(f);
  std::vector<uint8_t> buf(0x100);
  auto n = vr.read(Gva(kVa + 0xf80), buf);
  REQUIRE(n.ok());
  CHECK(*n == 0x80);

  auto exact = vr.read_exact(Gva(kVa + 0xf80), buf);
  REQUIRE_FALSE(exact.ok());
  CHECK(exact.error().code == ErrorCode::PageNotInDump);
  CHECK(exact.error().where == kVa + 0x1000);
  CHECK_THAT(exact.error().message, Contains("va 0xfffff80312346000 maps to gpa 0xa5b4000"));
}

TEST_CASE("a large page with one 4 KiB frame missing reads up to that frame") {
  PagingFixture f(PagingMode::X64);
  const uint64_t va = 0xfffff803'12800000;
  f.tables.map(va, 0x40600000, 0x200000, {.add_data = false});
  f.memory.add_range(0x40600, 3);  // 0x40603000 is missing
  VirtualReader vr = reader_for(f);
  std::vector<uint8_t> buf(0x4000);
  auto n = vr.read(Gva(va + 0x100), buf);
  REQUIRE(n.ok());
  CHECK(*n == 0x2f00);
  auto exact = vr.read_exact(Gva(va + 0x100), buf);
  REQUIRE_FALSE(exact.ok());
  CHECK(exact.error().where == va + 0x3000);
}

TEST_CASE("reads stop at the end of the address space") {
  SECTION("x64: no wrap to va 0") {
    PagingFixture f(PagingMode::X64);
    f.tables.map(0xffff'ffff'ffff'f000, 0x0a5b3000, 0x1000);
    f.tables.map(0, 0x0b000000, 0x1000);
    VirtualReader vr = reader_for(f);
    std::vector<uint8_t> buf(0x20);
    auto n = vr.read(Gva(0xffff'ffff'ffff'fff0), buf);
    REQUIRE(n.ok());
    CHECK(*n == 0x10);
    CHECK(word(buf, 1) == 0x0a5b3ff8);
    auto exact = vr.read_exact(Gva(0xffff'ffff'ffff'fff0), buf);
    REQUIRE_FALSE(exact.ok());
    CHECK(exact.error().code == ErrorCode::InvalidArgument);
  }
  SECTION("x86: no read past 4 GiB") {
    PagingFixture f(PagingMode::X86);
    f.tables.map(0xffff'f000, 0x0a5b3000, 0x1000);
    VirtualReader vr = reader_for(f);
    std::vector<uint8_t> buf(0x20);
    auto n = vr.read(Gva(0xffff'fff8), buf);
    REQUIRE(n.ok());
    CHECK(*n == 8);
    CHECK(word(buf, 0) == 0x0a5b3ff8);
  }
}

TEST_CASE("an empty read reads nothing and does not translate") {
  PagingFixture f(PagingMode::X64);
  VirtualReader vr = reader_for(f);
  auto n = vr.read(Gva(kVa), {});
  REQUIRE(n.ok());
  CHECK(*n == 0);
  CHECK(vr.read_exact(Gva(0x8000'0000'0000'0000), {}).ok());
  CHECK(vr.cache_stats().misses == 0);
}

TEST_CASE("cached translations equal uncached ones") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa, 0x0a5b3000, 0x1000, {.user = false, .executable = false});
  f.tables.map(0xfffff803'12800000, 0x40600000, 0x200000, {.pat = true});
  f.tables.map(0xffffc000'00000000, 0xc0000000, 0x40000000, {.add_data = false});
  f.tables.map_transition(kVa + 0x1000, 0x0c0de000, 6);
  f.tables.map(0x00007ff6'00000000, 0x0b000000, 0x1000, {.writable = false, .user = true});
  const uint64_t vas[] = {kVa + 0x10,          kVa + 0x1fff,          0xfffff803'12800000, 0xfffff803'129ff123,
                          0xfffff803'12a00000, 0xffffc000'3fffffff,   0xffffc000'00001000, 0x00007ff6'00000800,
                          0x00007ff6'00001000, 0x0000'8000'0000'0000, kVa + 0x2000};
  VirtualReader vr = reader_for(f);
  for (int pass = 0; pass < 2; ++pass) {
    for (uint64_t va : vas) {
      INFO("pass " << pass << " va " << hex(va));
      auto cached = vr.translate(Gva(va));
      auto direct = translate(f.reader, PagingMode::X64, f.tables.dtb(), Gva(va));
      check_same_translation(cached, direct);
    }
  }
  // Pass 1: 7 translatable addresses in 6 cache entries (two share a 2 MiB frame) and 4 failures, which are never
  // cached. Pass 2 hits every translatable address and walks again for the failures.
  CHECK(vr.cache_stats().misses == 6 + 4 + 4);
  CHECK(vr.cache_stats().hits == 1 + 7);
}

TEST_CASE("the cache keeps answering until cleared, and survives slot conflicts") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa, 0x0a5b3000, 0x1000);
  const uint64_t alias = kVa + VirtualReader::kSmallSlots * 0x1000;  // same direct-mapped slot
  f.tables.map(alias, 0x0711d000, 0x1000);
  VirtualReader vr = reader_for(f);
  CHECK(vr.translate(Gva(kVa))->gpa == Gpa(0x0a5b3000));
  CHECK(vr.translate(Gva(alias))->gpa == Gpa(0x0711d000));
  CHECK(vr.translate(Gva(kVa))->gpa == Gpa(0x0a5b3000));
  CHECK(vr.cache_stats().misses == 3);

  // Remap the page behind the reader's back: the cache still answers with the old frame until cleared.
  f.tables.set_entry(kVa, 3, (f.tables.entry(kVa, 3) & 0xfff) | 0x0f00f000);
  f.memory.page(0x0f00f);
  CHECK(vr.translate(Gva(kVa + 8))->gpa == Gpa(0x0a5b3008));
  vr.clear_cache();
  CHECK(vr.translate(Gva(kVa + 8))->gpa == Gpa(0x0f00f008));
  uint8_t b[8];
  REQUIRE(vr.read_exact(Gva(kVa + 0x10), b).ok());
  CHECK(le::u64(b, 0) == 0x0f00f010);
}

TEST_CASE("every 4 KiB page of a large page shares one cache entry") {
  PagingFixture f(PagingMode::X64);
  const uint64_t va = 0xfffff803'12800000;
  f.tables.map(va, 0x40600000, 0x200000);
  VirtualReader vr = reader_for(f);
  for (uint64_t off = 0; off < 0x200000; off += 0x1000) {
    auto t = vr.translate(Gva(va + off + 0x18));
    REQUIRE(t.ok());
    REQUIRE(t->gpa == Gpa(0x40600000 + off + 0x18));
  }
  CHECK(vr.cache_stats().misses == 1);
  CHECK(vr.cache_stats().hits == 511);
}

TEST_CASE("VirtualReader is the VirtualMemory of a paged dump") {
  PagingFixture f(PagingMode::X86Pae);
  f.tables.map(0x8123'4000, 0x0a5b3000, 0x1000);
  VirtualReader vr = reader_for(f);
  VirtualMemory& vm = vr;
  CHECK(vm.pointer_size() == 4);
  uint8_t b[4];
  REQUIRE(vm.read_virtual_exact(Gva(0x8123'4ff8), b).ok());
  CHECK(le::u32(b, 0) == 0x0a5b3ff8);
  auto missing = vm.read_virtual_exact(Gva(0x8123'5000), b);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().where == 0x8123'5000);
  PagingFixture g(PagingMode::Arm64);
  CHECK(reader_for(g).pointer_size() == 8);
}

TEST_CASE("hostile page tables: random entries pointing at each other never crash or loop") {
  // 16 table pages of random entries whose frames mostly point back into those 16 pages (self references, cycles,
  // large-page bits, garbage high bits); every walk must end with a translation or an error within 4 levels.
  uint64_t state = 0x9e3779b97f4a7c15;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (PagingMode mode : {PagingMode::X64, PagingMode::Arm64, PagingMode::X86Pae, PagingMode::X86}) {
    DYNAMIC_SECTION(paging_mode_name(mode)) {
      fixtures::PhysicalMemory memory;
      for (uint64_t pfn = 0x10; pfn < 0x20; ++pfn) {
        auto& page = memory.page(pfn);
        for (size_t off = 0; off < 0x1000; off += 8) {
          uint64_t e = next();
          if (e & 0x100000) e = (e & 0xfff0'0000'0000'0fffull) | ((0x10 + (e >> 32) % 0x10) << 12);
          if ((e >> 40) & 3) e |= 1;     // present (valid) 3 times in 4
          if ((e >> 42) & 3) e &= ~0x80ull;  // large page 1 time in 4
          le::put64(page, off, e);
        }
      }
      // A PAE PDPT has only 4 entries: make them tables into the random pages so walks get past the root.
      for (uint64_t i = 0; i < 4; ++i) memory.write64(0x10000 + 8 * i, ((0x11 + i) << 12) | 3);
      fixtures::PhysicalMemoryReader phys(memory);
      VirtualReader vr(phys, mode, 0x10000);
      size_t ok = 0;
      for (int i = 0; i < 20000; ++i) {
        const bool x86 = mode == PagingMode::X86 || mode == PagingMode::X86Pae;
        uint64_t va = x86 ? next() & 0xffff'ffff : static_cast<uint64_t>(static_cast<int64_t>(next() << 16) >> 16);
        if (i % 8 == 0) va = next();  // and some that are not translatable at all
        auto t = translate(phys, mode, 0x10000, Gva(va));
        if (t.ok()) {
          ++ok;
          REQUIRE(t->levels_walked >= 1);
          REQUIRE(t->levels_walked <= 4);
          REQUIRE(t->gpa.value - t->page_gpa().value == (va & (t->page_size - 1)));
        } else {
          const ErrorCode c = t.error().code;
          REQUIRE((c == ErrorCode::NotPresent || c == ErrorCode::PageTablePageMissing || c == ErrorCode::InvalidArgument));
        }
        std::vector<uint8_t> buf(next() % 0x3000);
        auto n = vr.read(Gva(va), buf);
        if (n.ok()) REQUIRE(*n <= buf.size());
      }
      CHECK(ok > 500);  // hundreds of walks get through, so the leaf paths are exercised too
    }
  }
}

TEST_CASE("ARM sections and 64 KiB pages are cached without answering for their neighbours") {
  // Four 1 MiB sections inside one 2 MiB-aligned block, mapped to scattered frames, and two 64 KiB pages: a cache
  // keyed by 2 MiB would hand the first section's frame to the others.
  PagingFixture f(PagingMode::Arm);
  f.tables.map(0x80400000, 0x01500000, 0x100000, {.add_data = false});
  f.tables.map(0x80500000, 0x01200000, 0x100000, {.add_data = false});
  f.tables.map(0x80600000, 0x01700000, 0x100000, {.add_data = false});
  f.tables.map(0x00410000, 0x03a20000, 0x10000, {.add_data = false});
  f.tables.map(0x00420000, 0x03a00000, 0x10000, {.add_data = false});
  for (uint64_t pfn : {0x015ffull, 0x01200ull, 0x012ffull, 0x01700ull, 0x03a2full, 0x03a00ull}) f.memory.page(pfn);
  VirtualReader vr = reader_for(f);
  for (int pass = 0; pass < 2; ++pass) {
    // Across the section boundaries and the 64 KiB page boundary; each word says which gpa it came from.
    std::vector<uint8_t> buf(0x10);
    REQUIRE(vr.read_virtual_exact(Gva(0x804ffff8), buf).ok());
    CHECK(le::u32(buf, 0) == 0x015ffff8);
    CHECK(le::u32(buf, 8) == 0x01200000);
    REQUIRE(vr.read_virtual_exact(Gva(0x805ffff8), buf).ok());
    CHECK(le::u32(buf, 0) == 0x012ffff8);
    CHECK(le::u32(buf, 8) == 0x01700000);
    REQUIRE(vr.read_virtual_exact(Gva(0x0041fff8), buf).ok());
    CHECK(le::u32(buf, 0) == 0x03a2fff8);
    CHECK(le::u32(buf, 8) == 0x03a00000);
    auto t = vr.translate(Gva(0x80512345));
    REQUIRE(t.ok());
    CHECK(t->page_size == 0x100000);
    CHECK(t->page_base == Gva(0x80500000));
    CHECK(t->gpa == Gpa(0x01212345));
  }
}

namespace {

// Counts the entry and data reads a walk makes.
struct CountingReader final : PhysicalReader {
  explicit CountingReader(PhysicalReader& inner) : inner(inner) {}
  Status read_physical_exact(Gpa gpa, std::span<uint8_t> out) override {
    ++reads;
    return inner.read_physical_exact(gpa, out);
  }
  PhysicalReader& inner;
  int reads = 0;
};

}  // namespace

TEST_CASE("x64: a page missing from the translation slots costs one PTE read from its remembered page table") {
  PagingFixture f(PagingMode::X64);
  const uint64_t frame = 0xfffff803'12600000;  // one 2 MiB virtual frame: one page table
  for (uint64_t i = 0; i < 512; ++i) {
    if (i == 7 || i == 9) continue;
    f.tables.map(frame + i * 0x1000, 0x20000000 + (i * 37 % 512) * 0x1000, 0x1000, {.writable = i % 2 == 0});
  }
  f.tables.map_transition(frame + 9 * 0x1000, 0x0c0de000, 6);  // page 7 stays not present
  CountingReader counting(f.reader);
  VirtualReader vr(counting, PagingMode::X64, f.tables.dtb());
  REQUIRE(vr.translate(Gva(frame)).ok());
  CHECK(counting.reads == 4);  // PML4E, PDPTE, PDE, PTE
  for (uint64_t i = 1; i < 512; ++i) {
    INFO("page " << i);
    const Gva va(frame + i * 0x1000 + 0x18);
    const int before = counting.reads;
    auto cached = vr.translate(va);
    CHECK(counting.reads - before == 1);
    auto direct = translate(f.reader, PagingMode::X64, f.tables.dtb(), va);
    check_same_translation(cached, direct);
  }
  CHECK_FALSE(vr.translate(Gva(frame + 7 * 0x1000)).ok());
  CHECK(vr.translate(Gva(frame + 9 * 0x1000))->transition);

  SECTION("a frame that takes the same table slot replaces it; the first frame then walks all four levels again") {
    // 1024 frames on, and 2^19 pages on: the same table slot and the same translation slot as page 0 of `frame`.
    const uint64_t other = frame + VirtualReader::kTableSlots * 0x200000;
    f.tables.map(other, 0x0711d000, 0x1000);
    int before = counting.reads;
    CHECK(vr.translate(Gva(other))->gpa == Gpa(0x0711d000));
    CHECK(counting.reads - before == 4);
    before = counting.reads;
    CHECK(vr.translate(Gva(frame + 0x18))->gpa == Gpa(0x20000018));
    CHECK(counting.reads - before == 4);
  }
}
