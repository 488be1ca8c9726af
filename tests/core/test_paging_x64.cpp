// x64 4-level translation against page tables laid out by the fixture builder.
#include <catch2/catch.hpp>

#include "kdmp/paging.hpp"
#include "kdmp/pte.hpp"
#include "page_tables.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

Result<Translation> walk(PagingFixture& f, uint64_t va) {
  return translate(f.reader, PagingMode::X64, f.tables.dtb(), Gva(va));
}

constexpr uint64_t kVa4k = 0xfffff80312345000;
constexpr uint64_t kGpa4k = 0x0a5b3000;
constexpr uint64_t kVa2m = 0xfffff80312600000;
constexpr uint64_t kGpa2m = 0x40600000;
constexpr uint64_t kVa1g = 0xffffc00000000000;
constexpr uint64_t kGpa1g = 0xc0000000;

}  // namespace

TEST_CASE("Pte names the x86-family bits") {
  const Pte e(0x8000'0001'2345'6867);
  CHECK(e.present());
  CHECK(e.writable());
  CHECK(e.user());
  CHECK_FALSE(e.large_page());
  CHECK_FALSE(e.prototype());
  CHECK(e.transition());
  CHECK(e.nx());
  CHECK(e.pfn() == 0x1'23456);
  CHECK(e.frame() == 0x1'2345'6000);
  CHECK(Pte(0x0000'0000'c000'1083).frame_1g() == 0xc000'0000);
  CHECK(Pte(0x0000'0000'4060'1083).frame_2m() == 0x4060'0000);
  CHECK(Pte(0x0080'3083).frame_4m() == 0x0080'0000);  // PAT (bit 12) and a PSE-36 bit (13) are not address
  const Pte transition(0x0a5b'3880);                  // frame 0xa5b3, transition, protection 4
  CHECK(transition.is_transition());
  CHECK(transition.software_protection() == 4);
  CHECK_FALSE(Pte(0x0a5b'3c80).is_transition());  // prototype set too
}

TEST_CASE("x64: 4 KiB page") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa4k, kGpa4k, 0x1000);
  auto t = walk(f, kVa4k + 0x678);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(kGpa4k + 0x678));
  CHECK(t->page_size == 0x1000);
  CHECK(t->page_base == Gva(kVa4k));
  CHECK(t->page_gpa() == Gpa(kGpa4k));
  CHECK(t->levels_walked == 4);
  CHECK(t->writable);
  CHECK_FALSE(t->user);
  CHECK(t->executable);
  CHECK_FALSE(t->transition);
}

TEST_CASE("x64: CR3 flag and PCID bits are masked") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa4k, kGpa4k, 0x1000);
  const uint64_t cr3 = f.tables.dtb() | 0x8000'0000'0000'0000 | 0x5a3;
  auto t = translate(f.reader, PagingMode::X64, cr3, Gva(kVa4k + 0x10));
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(kGpa4k + 0x10));
}

TEST_CASE("x64: 2 MiB page with the PAT bit set") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa2m, kGpa2m, 0x200000, {.pat = true});
  REQUIRE((f.tables.entry(kVa2m, 2) & 0x1000) != 0);
  auto t = walk(f, kVa2m + 0x12345);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(kGpa2m + 0x12345));  // not kGpa2m + 0x1000 + ...: bit 12 is PAT
  CHECK(t->page_size == 0x200000);
  CHECK(t->page_base == Gva(kVa2m));
  CHECK(t->levels_walked == 3);
}

TEST_CASE("x64: 1 GiB page with the PAT bit set") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa1g, kGpa1g, 0x40000000, {.pat = true, .add_data = false});
  auto t = walk(f, kVa1g + 0x1234'5678);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0xd234'5678));
  CHECK(t->page_size == 0x40000000);
  CHECK(t->page_base == Gva(kVa1g));
  CHECK(t->levels_walked == 2);
}

TEST_CASE("x64: permissions combine every level") {
  PagingFixture f(PagingMode::X64);
  const uint64_t user_va = 0x00007ff6'12340000;
  f.tables.map(user_va, 0x0b000000, 0x1000, {.user = true});
  f.tables.map(user_va + 0x1000, 0x0b001000, 0x1000, {.writable = false, .user = true, .executable = false});
  auto rw = walk(f, user_va);
  REQUIRE(rw.ok());
  CHECK(rw->user);
  CHECK(rw->writable);
  CHECK(rw->executable);
  auto ro = walk(f, user_va + 0x1000);
  REQUIRE(ro.ok());
  CHECK(ro->user);
  CHECK_FALSE(ro->writable);
  CHECK_FALSE(ro->executable);

  // A read-only PDE and an NX PML4E restrict the writable, executable PTE below them; a supervisor PDPTE hides it.
  f.tables.set_entry(user_va, 2, f.tables.entry(user_va, 2) & ~uint64_t{2});
  f.tables.set_entry(user_va, 0, f.tables.entry(user_va, 0) | (1ull << 63));
  f.tables.set_entry(user_va, 1, f.tables.entry(user_va, 1) & ~uint64_t{4});
  auto restricted = walk(f, user_va);
  REQUIRE(restricted.ok());
  CHECK_FALSE(restricted->writable);
  CHECK_FALSE(restricted->executable);
  CHECK_FALSE(restricted->user);
}

TEST_CASE("x64: transition PTE names its frame") {
  PagingFixture f(PagingMode::X64);
  f.tables.map_transition(kVa4k, 0x0c0de000, 4);
  f.tables.map_transition(kVa4k + 0x1000, 0x0c0df000, 6);
  auto t = walk(f, kVa4k + 0x234);
  REQUIRE(t.ok());
  CHECK(t->transition);
  CHECK(t->gpa == Gpa(0x0c0de234));
  CHECK(t->page_size == 0x1000);
  CHECK(t->writable);           // MM_READWRITE
  CHECK_FALSE(t->executable);
  auto x = walk(f, kVa4k + 0x1000);
  REQUIRE(x.ok());
  CHECK(x->executable);  // MM_EXECUTE_READWRITE

  // Prototype set too: a pointer to a prototype PTE, not a frame.
  f.tables.set_entry(kVa4k, 3, f.tables.entry(kVa4k, 3) | (1ull << 10));
  auto proto = walk(f, kVa4k);
  REQUIRE_FALSE(proto.ok());
  CHECK(proto.error().code == ErrorCode::NotPresent);
}

TEST_CASE("x64: a not-present entry names its level, address, value and the va") {
  const char* names[] = {"PML4E", "PDPTE", "PDE", "PTE"};
  for (int level = 0; level < 4; ++level) {
    DYNAMIC_SECTION("level " << names[level]) {
      PagingFixture f(PagingMode::X64);
      f.tables.map(kVa4k, kGpa4k, 0x1000);
      const uint64_t at = f.tables.entry_gpa(kVa4k, level);
      const uint64_t paged_out = 0x0000'0123'4000'0080;  // a software PTE: present bit clear
      f.tables.set_entry(kVa4k, level, paged_out);
      auto t = walk(f, kVa4k + 8);
      REQUIRE_FALSE(t.ok());
      CHECK(t.error().code == ErrorCode::NotPresent);
      CHECK(t.error().where == kVa4k + 8);
      CHECK_THAT(t.error().message, StartsWith(std::string(names[level]) + " at gpa " + hex(at) + " is " + hex(paged_out)));
      CHECK_THAT(t.error().message, Contains("va 0xfffff80312345008"));
      // What the entry maps is unmapped as a whole: 512 GiB, 1 GiB, 2 MiB or 4 KiB.
      CHECK(t.error().span == uint64_t{1} << (39 - 9 * level));
    }
  }
}

TEST_CASE("x64: a missing page-table page is not the same as not present") {
  const char* names[] = {"PML4E", "PDPTE", "PDE", "PTE"};
  for (int level = 1; level < 4; ++level) {
    DYNAMIC_SECTION("table of " << names[level]) {
      PagingFixture f(PagingMode::X64);
      const uint64_t table = f.tables.leave_table_out(kVa4k, level);
      auto t = walk(f, kVa4k);
      REQUIRE_FALSE(t.ok());
      CHECK(t.error().code == ErrorCode::PageTablePageMissing);
      CHECK(t.error().where == kVa4k);
      CHECK_THAT(t.error().message, Contains(std::string("the table holding the ") + names[level] + " (gpa " + hex(table) + ")"));
      // The whole table is unreadable: what its parent entry maps.
      CHECK(t.error().span == uint64_t{1} << (48 - 9 * level));
    }
  }
  SECTION("the root table") {
    PagingFixture f(PagingMode::X64);
    auto t = translate(f.reader, PagingMode::X64, 0x7777000, Gva(kVa4k));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::PageTablePageMissing);
    CHECK_THAT(t.error().message, Contains("PML4E (gpa 0x7777000)"));
    CHECK(t.error().span == uint64_t{1} << 48);
  }
}

TEST_CASE("x64: a missing data page still translates") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa4k, kGpa4k, 0x1000, {.add_data = false});
  auto t = walk(f, kVa4k);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(kGpa4k));
  CHECK(f.memory.pages().count(kGpa4k >> 12) == 0);
}

TEST_CASE("x64: non-canonical addresses are refused") {
  PagingFixture f(PagingMode::X64);
  for (uint64_t va : {0x0000'8000'0000'0000ull, 0xffff'7fff'ffff'ffffull, 0x1000'0000'0000'1000ull}) {
    auto t = walk(f, va);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::InvalidArgument);
    CHECK(t.error().where == va);
    CHECK_THAT(t.error().message, Contains(hex(va)) && Contains("not canonical"));
  }
}

TEST_CASE("x64: PS in a PML4E is reserved") {
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa4k, kGpa4k, 0x1000);
  f.tables.set_entry(kVa4k, 0, f.tables.entry(kVa4k, 0) | 0x80);
  auto t = walk(f, kVa4k);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == ErrorCode::NotPresent);
  CHECK_THAT(t.error().message, StartsWith("PML4E") && Contains("reserved bit 7"));
}

TEST_CASE("x64: self-referencing entries stay bounded") {
  // The Windows self-map: a PML4E pointing at the PML4 itself. Walks through it end after 4 levels, reading the
  // PML4 as a PDPT, PD and PT.
  PagingFixture f(PagingMode::X64);
  f.tables.map(kVa4k, kGpa4k, 0x1000);
  const uint64_t self_index = 0x1ed;
  f.memory.write64(f.tables.dtb() + self_index * 8, f.tables.dtb() | 0x63);
  const uint64_t va = 0xffff'0000'0000'0000 | (self_index << 39) | (self_index << 30) | (self_index << 21) |
                      (self_index << 12);
  auto t = walk(f, va);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(f.tables.dtb()));  // the PML4 page, seen as data
  CHECK(t->levels_walked == 4);
}

TEST_CASE("paging_mode_of picks the scheme from the header") {
  DumpHeader h;
  h.machine_image_type = 0x8664;
  CHECK(paging_mode_of(h).value() == PagingMode::X64);
  h.machine_image_type = 0xAA64;
  CHECK(paging_mode_of(h).value() == PagingMode::Arm64);
  h.machine_image_type = 0x14c;
  h.pae_enabled = true;
  CHECK(paging_mode_of(h).value() == PagingMode::X86Pae);
  h.pae_enabled = false;
  CHECK(paging_mode_of(h).value() == PagingMode::X86);
  h.machine_image_type = 0x1c4;
  CHECK(paging_mode_of(h).value() == PagingMode::Arm);
  h.machine_image_type = 0x200;  // IA64
  auto bad = paging_mode_of(h);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::Unsupported);
  CHECK(std::string(paging_mode_name(PagingMode::X86Pae)) == "x86-pae");
}
