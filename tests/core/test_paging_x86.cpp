// 32-bit x86 translation: PAE (3 levels, 8-byte entries) and non-PAE (2 levels, 4-byte entries).
#include <catch2/catch.hpp>

#include "kdmp/paging.hpp"
#include "page_tables.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

Result<Translation> walk(PagingFixture& f, uint64_t va) {
  return translate(f.reader, f.tables.mode(), f.tables.dtb(), Gva(va));
}

constexpr uint64_t kVa = 0x8123'4000;

}  // namespace

TEST_CASE("x86 PAE: 4 KiB page above 4 GiB of physical memory, PDPT not at a page start") {
  PagingFixture f(PagingMode::X86Pae, 0x40);
  REQUIRE((f.tables.dtb() & 0xfff) == 0x40);
  f.tables.map(kVa, 0x1'2345'6000, 0x1000);
  const uint64_t cr3 = f.tables.dtb() | 0x18;  // PWT, PCD
  auto t = translate(f.reader, PagingMode::X86Pae, cr3, Gva(kVa + 0x9a8));
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0x1'2345'69a8));
  CHECK(t->page_size == 0x1000);
  CHECK(t->page_base == Gva(kVa));
  CHECK(t->levels_walked == 3);
  // The PDPTE has no R/W or U/S bits; they must not make every page read-only or supervisor.
  CHECK(t->writable);
  CHECK(t->executable);
}

TEST_CASE("x86 PAE: 2 MiB page with the PAT bit set") {
  PagingFixture f(PagingMode::X86Pae);
  const uint64_t va = 0x8060'0000;
  f.tables.map(va, 0x4060'0000, 0x200000, {.user = true, .pat = true});
  auto t = walk(f, va + 0x1'0010);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0x4061'0010));
  CHECK(t->page_size == 0x200000);
  CHECK(t->page_base == Gva(va));
  CHECK(t->levels_walked == 2);
  CHECK(t->user);
}

TEST_CASE("x86 PAE: NX and read-only") {
  PagingFixture f(PagingMode::X86Pae);
  f.tables.map(kVa, 0x0b000000, 0x1000, {.writable = false, .executable = false});
  auto t = walk(f, kVa);
  REQUIRE(t.ok());
  CHECK_FALSE(t->writable);
  CHECK_FALSE(t->executable);
  CHECK_FALSE(t->user);
}

TEST_CASE("x86 PAE: transition PTE") {
  PagingFixture f(PagingMode::X86Pae);
  f.tables.map_transition(kVa, 0x0c0de000, 4);
  auto t = walk(f, kVa + 0x44);
  REQUIRE(t.ok());
  CHECK(t->transition);
  CHECK(t->gpa == Gpa(0x0c0de044));
  CHECK(t->writable);
}

TEST_CASE("x86 PAE: not present and missing tables name the level") {
  const char* names[] = {"PDPTE", "PDE", "PTE"};
  for (int level = 0; level < 3; ++level) {
    DYNAMIC_SECTION("not present " << names[level]) {
      PagingFixture f(PagingMode::X86Pae);
      f.tables.map(kVa, 0x0b000000, 0x1000);
      const uint64_t at = f.tables.entry_gpa(kVa, level);
      f.tables.set_entry(kVa, level, 0);
      auto t = walk(f, kVa);
      REQUIRE_FALSE(t.ok());
      CHECK(t.error().code == ErrorCode::NotPresent);
      CHECK_THAT(t.error().message, StartsWith(std::string(names[level]) + " at gpa " + hex(at) + " is 0x0"));
      const uint64_t entry_spans[] = {1ull << 30, 1ull << 21, 1ull << 12};
      CHECK(t.error().span == entry_spans[level]);
    }
  }
  for (int level = 1; level < 3; ++level) {
    DYNAMIC_SECTION("missing table of " << names[level]) {
      PagingFixture f(PagingMode::X86Pae);
      const uint64_t table = f.tables.leave_table_out(kVa, level);
      auto t = walk(f, kVa);
      REQUIRE_FALSE(t.ok());
      CHECK(t.error().code == ErrorCode::PageTablePageMissing);
      CHECK_THAT(t.error().message, Contains(std::string(names[level]) + " (gpa " + hex(table) + ")"));
      const uint64_t table_spans[] = {1ull << 32, 1ull << 30, 1ull << 21};
      CHECK(t.error().span == table_spans[level]);
    }
  }
}

TEST_CASE("x86: addresses above 4 GiB are refused") {
  for (PagingMode mode : {PagingMode::X86Pae, PagingMode::X86}) {
    PagingFixture f(mode);
    auto t = walk(f, 0x1'0000'0000);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::InvalidArgument);
    CHECK_THAT(t.error().message, Contains("0x100000000"));
  }
}

TEST_CASE("x86 non-PAE: 4-byte entries, 4 KiB pages") {
  PagingFixture f(PagingMode::X86);
  // Neighbouring PTEs with unrelated frames: reading 8-byte entries would mix them up.
  f.tables.map(kVa, 0x0a5b3000, 0x1000);
  f.tables.map(kVa + 0x1000, 0x0711d000, 0x1000, {.user = true});
  const uint64_t cr3 = f.tables.dtb() | 0x18;
  auto a = translate(f.reader, PagingMode::X86, cr3, Gva(kVa + 0x123));
  auto b = translate(f.reader, PagingMode::X86, cr3, Gva(kVa + 0x1ffc));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->gpa == Gpa(0x0a5b3123));
  CHECK(b->gpa == Gpa(0x0711dffc));
  CHECK(a->levels_walked == 2);
  CHECK(a->writable);
  CHECK(a->executable);  // no NX without PAE
  CHECK_FALSE(a->user);
  CHECK(b->user);
}

TEST_CASE("x86 non-PAE: 4 MiB page ignores PAT and PSE-36 bits") {
  PagingFixture f(PagingMode::X86);
  const uint64_t va = 0x8080'0000;
  f.tables.map(va, 0x0080'0000, 0x400000, {.pat = true});
  f.tables.set_entry(va, 0, f.tables.entry(va, 0) | 0x2000);  // PSE-36: physical bit 32
  auto t = walk(f, va + 0x3f'fff0);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0x00bf'fff0));
  CHECK(t->page_size == 0x400000);
  CHECK(t->page_base == Gva(va));
  CHECK(t->levels_walked == 1);
}

TEST_CASE("x86 non-PAE: transition PTE, not present, missing table") {
  PagingFixture f(PagingMode::X86);
  f.tables.map_transition(kVa, 0x0c0de000, 6);
  auto t = walk(f, kVa + 4);
  REQUIRE(t.ok());
  CHECK(t->transition);
  CHECK(t->gpa == Gpa(0x0c0de004));
  CHECK(t->executable);

  f.tables.set_entry(kVa, 1, 0x0c0de400);  // prototype without transition: not present
  auto np = walk(f, kVa);
  REQUIRE_FALSE(np.ok());
  CHECK(np.error().code == ErrorCode::NotPresent);
  CHECK_THAT(np.error().message, StartsWith("PTE at gpa " + hex(f.tables.entry_gpa(kVa, 1)) + " is 0xc0de400"));
  CHECK(np.error().span == 0x1000);

  const uint64_t other = 0x9000'0000;
  const uint64_t table = f.tables.leave_table_out(other, 1);
  auto missing = walk(f, other);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::PageTablePageMissing);
  CHECK_THAT(missing.error().message, Contains("PTE (gpa " + hex(table) + ")"));
  CHECK(missing.error().span == 0x400000);  // a page table maps 4 MiB

  f.tables.set_entry(kVa, 0, 0x0c0de002);
  auto pde = walk(f, kVa);
  REQUIRE_FALSE(pde.ok());
  CHECK_THAT(pde.error().message, StartsWith("PDE at gpa " + hex(f.tables.dtb() + (kVa >> 22) * 4)));
}
