// ARM64 (4 KiB granule, 48-bit VA) translation against descriptors laid out by the fixture builder.
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
  return translate(f.reader, PagingMode::Arm64, f.tables.dtb(), Gva(va));
}

constexpr uint64_t kKernelVa = 0xffff8000'12345000;
constexpr uint64_t kUserVa = 0x00007ff6'00001000;

}  // namespace

TEST_CASE("Arm64Descriptor names the descriptor bits") {
  const Arm64Descriptor page(0x0060'0000'0a5b'3743);  // UXN+PXN, AF, SH, AP[1], page
  CHECK(page.valid());
  CHECK(page.table_or_page());
  CHECK_FALSE(page.block());
  CHECK(page.el0());
  CHECK_FALSE(page.read_only());
  CHECK(page.uxn());
  CHECK(page.pxn());
  CHECK(page.frame() == 0x0a5b'3000);
  const Arm64Descriptor block(0x0000'0000'4060'1f81);
  CHECK(block.block());
  CHECK(block.read_only());
  CHECK(block.frame_2m() == 0x4060'0000);
  CHECK(Arm64Descriptor(0x6000'0000'0000'3003).read_only_table());
  CHECK(Arm64Descriptor(0x2000'0000'0000'3003).no_el0_table());
  CHECK_FALSE(Arm64Descriptor(0x2).valid());
}

TEST_CASE("arm64: 4 KiB page, kernel half") {
  PagingFixture f(PagingMode::Arm64);
  f.tables.map(kKernelVa, 0x0a5b3000, 0x1000);
  auto t = walk(f, kKernelVa + 0xabc);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0x0a5b3abc));
  CHECK(t->page_size == 0x1000);
  CHECK(t->page_base == Gva(kKernelVa));
  CHECK(t->levels_walked == 4);
  CHECK(t->writable);
  CHECK_FALSE(t->user);
  CHECK(t->executable);
}

TEST_CASE("arm64: both halves walk from the one DirectoryTableBase; TTBR ASID and CnP are masked") {
  PagingFixture f(PagingMode::Arm64);
  f.tables.map(kKernelVa, 0x0a5b3000, 0x1000);
  f.tables.map(kUserVa, 0x0b000000, 0x1000, {.user = true});
  const uint64_t ttbr = f.tables.dtb() | (0x1234ull << 48) | 1;
  auto k = translate(f.reader, PagingMode::Arm64, ttbr, Gva(kKernelVa + 8));
  auto u = translate(f.reader, PagingMode::Arm64, ttbr, Gva(kUserVa + 8));
  REQUIRE(k.ok());
  REQUIRE(u.ok());
  CHECK(k->gpa == Gpa(0x0a5b3008));
  CHECK(u->gpa == Gpa(0x0b000008));
  CHECK(u->user);
}

TEST_CASE("arm64: 2 MiB block with a low attribute bit set") {
  PagingFixture f(PagingMode::Arm64);
  const uint64_t va = 0xffff8000'12600000;
  f.tables.map(va, 0x40600000, 0x200000, {.pat = true});
  REQUIRE((f.tables.entry(va, 2) & 0x1000) != 0);
  auto t = walk(f, va + 0x1f'fff8);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0x407f'fff8));
  CHECK(t->page_size == 0x200000);
  CHECK(t->page_base == Gva(va));
  CHECK(t->levels_walked == 3);
}

TEST_CASE("arm64: 1 GiB block") {
  PagingFixture f(PagingMode::Arm64);
  const uint64_t va = 0xffff8040'00000000;
  f.tables.map(va, 0xc0000000, 0x40000000, {.pat = true, .add_data = false});
  auto t = walk(f, va + 0x3fff'f000);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0xffff'f000));
  CHECK(t->page_size == 0x40000000);
  CHECK(t->levels_walked == 2);
}

TEST_CASE("arm64: permissions from AP, UXN/PXN and the table attributes") {
  PagingFixture f(PagingMode::Arm64);
  f.tables.map(kUserVa, 0x0b000000, 0x1000, {.writable = false, .user = true, .executable = false});
  f.tables.map(kKernelVa, 0x0b001000, 0x1000, {.executable = false});
  auto u = walk(f, kUserVa);
  REQUIRE(u.ok());
  CHECK(u->user);
  CHECK_FALSE(u->writable);
  CHECK_FALSE(u->executable);
  auto k = walk(f, kKernelVa);
  REQUIRE(k.ok());
  CHECK_FALSE(k->user);
  CHECK(k->writable);
  CHECK_FALSE(k->executable);

  // A writable, executable user page below tables with APTable = read-only + no EL0, and UXNTable.
  const uint64_t va = 0x00007ff6'40000000;
  f.tables.map(va, 0x0b002000, 0x1000, {.user = true});
  auto before = walk(f, va);
  REQUIRE(before.ok());
  CHECK(before->writable);
  CHECK(before->user);
  CHECK(before->executable);
  f.tables.set_entry(va, 2, f.tables.entry(va, 2) | (1ull << 62) | (1ull << 60));
  auto ro = walk(f, va);
  REQUIRE(ro.ok());
  CHECK_FALSE(ro->writable);
  CHECK(ro->user);
  CHECK_FALSE(ro->executable);
  f.tables.set_entry(va, 1, f.tables.entry(va, 1) | (1ull << 61));
  auto kernel_only = walk(f, va);
  REQUIRE(kernel_only.ok());
  CHECK_FALSE(kernel_only->user);
}

TEST_CASE("arm64: invalid descriptors name their level") {
  for (int level = 0; level < 4; ++level) {
    DYNAMIC_SECTION("level " << level) {
      PagingFixture f(PagingMode::Arm64);
      f.tables.map(kKernelVa, 0x0a5b3000, 0x1000);
      const uint64_t at = f.tables.entry_gpa(kKernelVa, level);
      f.tables.set_entry(kKernelVa, level, 0x0a5b3742);  // bit 0 clear: invalid whatever else is set
      auto t = walk(f, kKernelVa);
      REQUIRE_FALSE(t.ok());
      CHECK(t.error().code == ErrorCode::NotPresent);
      CHECK(t.error().where == kKernelVa);
      CHECK_THAT(t.error().message,
                 StartsWith(std::string("L") + std::to_string(level) + " descriptor at gpa " + hex(at) + " is 0xa5b3742: not present"));
    }
  }
}

TEST_CASE("arm64: block descriptors at level 0 and 3 are reserved") {
  PagingFixture f(PagingMode::Arm64);
  f.tables.map(kKernelVa, 0x0a5b3000, 0x1000);
  f.tables.set_entry(kKernelVa, 3, 0x0a5b3701);
  auto l3 = walk(f, kKernelVa);
  REQUIRE_FALSE(l3.ok());
  CHECK(l3.error().code == ErrorCode::NotPresent);
  CHECK_THAT(l3.error().message, StartsWith("L3 descriptor") && Contains("reserved"));
  f.tables.set_entry(kKernelVa, 0, 0x8000'0701);
  auto l0 = walk(f, kKernelVa);
  REQUIRE_FALSE(l0.ok());
  CHECK_THAT(l0.error().message, StartsWith("L0 descriptor") && Contains("reserved"));
}

TEST_CASE("arm64: a missing table page is not the same as invalid") {
  for (int level = 1; level < 4; ++level) {
    DYNAMIC_SECTION("level " << level) {
      PagingFixture f(PagingMode::Arm64);
      const uint64_t table = f.tables.leave_table_out(kKernelVa, level);
      auto t = walk(f, kKernelVa);
      REQUIRE_FALSE(t.ok());
      CHECK(t.error().code == ErrorCode::PageTablePageMissing);
      CHECK_THAT(t.error().message,
                 Contains(std::string("the table holding the L") + std::to_string(level) + " descriptor (gpa " + hex(table) + ")"));
    }
  }
}

TEST_CASE("arm64: the address ranges are 48-bit, not x64-canonical") {
  PagingFixture f(PagingMode::Arm64);
  // Bit 47 set with bits 48..63 clear: the top of the lower range, valid on ARM64 (not canonical on x64).
  const uint64_t high_user = 0x0000'8000'0000'0000;
  f.tables.map(high_user, 0x0b000000, 0x1000, {.user = true});
  auto t = walk(f, high_user + 0x10);
  REQUIRE(t.ok());
  CHECK(t->gpa == Gpa(0x0b000010));
  for (uint64_t va : {0x0001'0000'0000'0000ull, 0xfffe'ffff'ffff'f000ull}) {
    auto bad = walk(f, va);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == ErrorCode::InvalidArgument);
    CHECK_THAT(bad.error().message, Contains(hex(va)));
  }
}
