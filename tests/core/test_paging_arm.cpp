// 32-bit ARM (ARMv7 short descriptors) translation against descriptors laid out by the fixture builder: 1 MiB
// sections, 16 MiB supersections, 4 KiB small and 64 KiB large pages, faults and missing tables named by level.
#include <catch2/catch.hpp>

#include "kdmp/paging.hpp"
#include "page_tables.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using Catch::Matchers::Contains;

namespace {

// The TTBR as Windows stores it: the 16 KiB-aligned table plus attribute bits (IRGN, S, RGN, NOS) the walker masks.
Result<Translation> walk(PagingFixture& f, uint64_t va) {
  return translate(f.reader, PagingMode::Arm, f.tables.dtb() | 0x6a, Gva(va));
}

}  // namespace

TEST_CASE("arm: the first-level table is 16 KiB aligned and the TTBR's low bits are masked") {
  PagingFixture f(PagingMode::Arm);
  CHECK(f.tables.dtb() % 0x4000 == 0);
  CHECK(f.tables.levels() == 2);
  CHECK(paging_mode_name(PagingMode::Arm) == std::string("arm"));
  DumpHeader h;
  h.machine_image_type = 0x1c4;
  REQUIRE(paging_mode_of(h).ok());
  CHECK(*paging_mode_of(h) == PagingMode::Arm);
}

TEST_CASE("arm: 4 KiB small page through a 1 KiB L2 table") {
  PagingFixture f(PagingMode::Arm);
  f.tables.map(0x8a3c6000, 0x0a5b3000, 0x1000, {.executable = false});
  auto t = walk(f, 0x8a3c6abc);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0x0a5b3abc));
  CHECK(t->page_size == 0x1000);
  CHECK(t->page_base == Gva(0x8a3c6000));
  CHECK(t->levels_walked == 2);
  CHECK(t->writable);
  CHECK_FALSE(t->user);
  CHECK_FALSE(t->executable);
  // The L1 descriptor is a page table (type 0b01); the L2 one a small page (0b1x) with XN in bit 0.
  CHECK((f.tables.entry(0x8a3c6000, 0) & 3) == 1);
  CHECK(f.tables.entry(0x8a3c6000, 1) == (0x0a5b3000 | 0x2 | 0x10 | 0x1));
}

TEST_CASE("arm: 64 KiB large page repeated in 16 L2 entries") {
  PagingFixture f(PagingMode::Arm);
  f.tables.map(0x00410000, 0x03a20000, 0x10000, {.writable = false, .user = true});
  for (uint64_t off : {0x0ull, 0x1234ull, 0xfffcull}) {
    auto t = walk(f, 0x00410000 + off);
    REQUIRE(t.ok());
    CHECK(t->gpa == Gpa(0x03a20000 + off));
    CHECK(t->page_size == 0x10000);
    CHECK(t->page_base == Gva(0x00410000));
    CHECK_FALSE(t->writable);
    CHECK(t->user);
    CHECK(t->executable);
  }
}

TEST_CASE("arm: 1 MiB section with TEX bit 12 set, and a 16 MiB supersection") {
  PagingFixture f(PagingMode::Arm);
  f.tables.map(0x80400000, 0x01200000, 0x100000, {.pat = true, .add_data = false});
  f.memory.page(0x012ba);
  auto t = walk(f, 0x804ba123);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0x012ba123));
  CHECK(t->page_size == 0x100000);
  CHECK(t->page_base == Gva(0x80400000));
  CHECK(t->levels_walked == 1);
  CHECK(t->writable);
  CHECK(t->executable);

  f.tables.map(0xc1000000, 0x05000000, 0x1000000, {.writable = false, .add_data = false});
  auto s = walk(f, 0xc1fedcba);
  REQUIRE(s.ok());
  CHECK(s->gpa == Gpa(0x05fedcba));
  CHECK(s->page_size == 0x1000000);
  CHECK(s->page_base == Gva(0xc1000000));
  CHECK_FALSE(s->writable);
  CHECK((f.tables.entry(0xc1f00000, 0) >> 18 & 1) == 1);  // all 16 entries are the supersection
}

TEST_CASE("arm: errors name the level, the entry and the missing table") {
  PagingFixture f(PagingMode::Arm);
  f.tables.map(0x8a3c6000, 0x0a5b3000, 0x1000);
  SECTION("fault at L1") {
    auto t = walk(f, 0x90000000);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::NotPresent);
    CHECK_THAT(t.error().message, Contains("L1 descriptor") && Contains("a fault entry") &&
                                      Contains("translating va 0x90000000"));
    CHECK(t.error().span == 0x100000);
    CHECK(t.error().where == 0x90000000);
  }
  SECTION("fault at L2") {
    auto t = walk(f, 0x8a3c7000);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::NotPresent);
    CHECK_THAT(t.error().message, Contains("L2 descriptor"));
    CHECK(t.error().span == 0x1000);
  }
  SECTION("an L2 table that is not in the dump") {
    const uint64_t missing = f.tables.leave_table_out(0x9c000000, 1);
    auto t = walk(f, 0x9c000010);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::PageTablePageMissing);
    CHECK_THAT(t.error().message, Contains("L2 descriptor") && Contains(hex(missing)));
    CHECK(t.error().span == 0x100000);
  }
  SECTION("above 4 GiB") {
    auto t = walk(f, 0x1'0000'0000);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::InvalidArgument);
    CHECK_THAT(t.error().message, Contains("32-bit ARM"));
  }
}
