// system-x64-bitmap.dmp: a bitmap kernel dump whose ntoskrnl.exe is mapped with 2 MiB pages (placed in RAM in
// reverse order) and whose hal.dll and kd.dll sit in a 1 GiB page, PAT set on every large entry. The module list,
// the KDBG, the return into the kernel (its call straddles a 2 MiB boundary) and a read across two 2 MiB pages all
// go through them.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/virtual_reader.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
constexpr uint64_t kNt = 0xfffff80312800000, kHal = 0xfffff80340e00000, kSp = 0xffffd0012345e8c0;
}  // namespace

TEST_CASE("system-x64-bitmap.dmp: translations through 2 MiB and 1 GiB pages with PAT set", "[system]") {
  Analyzed a(system_x64_bitmap());
  CHECK(a.dump->header().dump_type == 6);
  CHECK(a.dump->warnings().empty());
  auto* reader = dynamic_cast<VirtualReader*>(a.vm.get());
  REQUIRE(reader != nullptr);
  CHECK(reader->mode() == PagingMode::X64);

  // ntoskrnl.exe's nine 2 MiB pages lie in RAM from 0x2000000 in reverse order: page 0 at 0x3000000.
  struct Row {
    uint64_t va, gpa;
  };
  for (const Row& r : {Row{kNt, 0x3000000}, Row{kNt + 0x200ba0, 0x2e00ba0}, Row{kNt + 0x400000, 0x2c00000},
                       Row{kNt + 0x1045fff, 0x2045fff}}) {
    INFO(hex(r.va));
    auto t = reader->translate(Gva(r.va));
    REQUIRE(t.ok());
    CHECK(t->page_size == 0x200000);
    CHECK(t->gpa == Gpa(r.gpa));  // the PAT bit (12) is not an address bit
    CHECK(t->page_base == Gva(r.va & ~uint64_t{0x1fffff}));
  }
  // hal.dll in the 1 GiB page at 0xfffff80340000000 -> 0x40000000.
  auto hal = reader->translate(Gva(kHal + 0x1234));
  REQUIRE(hal.ok());
  CHECK(hal->page_size == 0x40000000);
  CHECK(hal->page_base == Gva(0xfffff80340000000));
  CHECK(hal->gpa == Gpa(0x40e01234));
  // The entries themselves, walked by hand from the header's DirectoryTableBase: PS (bit 7) and PAT (bit 12) set.
  constexpr uint64_t kFrame = 0x000ffffffffff000;
  auto entry = [&](uint64_t table, uint64_t va, int shift) {
    return u64_at(*a.dump, table + ((va >> shift) & 0x1ff) * 8);
  };
  const uint64_t pml4e = entry(a.dump->header().directory_table_base & kFrame, kNt, 39);
  const uint64_t pdpte_nt = entry(pml4e & kFrame, kNt, 30);
  CHECK((pdpte_nt & 0x80) == 0);  // a table
  const uint64_t pde_nt = entry(pdpte_nt & kFrame, kNt, 21);
  CHECK((pde_nt & 0x1081) == 0x1081);
  CHECK((pde_nt & kFrame) == 0x3001000);  // address bits 21.. = 0x3000000, plus the PAT bit
  const uint64_t pdpte_hal = entry(pml4e & kFrame, kHal, 30);
  CHECK((pdpte_hal & 0x1081) == 0x1081);
  CHECK((pdpte_hal & kFrame) == 0x40001000);
  // baddrv.sys in ordinary 4 KiB pages.
  auto bad = reader->translate(Gva(0xfffff8031234abcd));
  REQUIRE(bad.ok());
  CHECK(bad->page_size == 0x1000);
}

TEST_CASE("system-x64-bitmap.dmp: reads across large pages", "[system]") {
  Analyzed a(system_x64_bitmap());
  // 16 bytes whose halves are in two 2 MiB pages 4 MiB apart in RAM (0x2fffff8 and 0x2c00000).
  CHECK(a.read(kNt + 0x3ffff8, 16) == ascii("kdmpview-marker!"));
  std::vector<uint8_t> half(8);
  REQUIRE(a.dump->read_physical_exact(Gpa(0x2fffff8), half).ok());
  CHECK(half == ascii("kdmpview"));
  REQUIRE(a.dump->read_physical_exact(Gpa(0x2c00000), half).ok());
  CHECK(half == ascii("-marker!"));
  // The call before the return into the kernel: E8 10 at the end of page 0, 20 30 00 at the start of page 1.
  CHECK(a.read(kNt + 0x1ffffe, 5) == std::vector<uint8_t>{0xe8, 0x10, 0x20, 0x30, 0x00});
  // The KDBG and the PE headers in the large pages.
  CHECK(a.read(kNt + 0x200ba0 + 0x10, 4) == ascii("KDBG"));
  CHECK(a.read(kNt, 2) == ascii("MZ"));
  CHECK(a.read(kHal, 2) == ascii("MZ"));
  CHECK(a.read(0xfffff80340c00000, 2) == ascii("MZ"));  // kd.dll
  // A large page is stored as 4 KiB pages: the ones nothing was written to are not in this dump.
  std::vector<uint8_t> b(8);
  auto missing = a.vm->read_virtual_exact(Gva(kNt + 0x100000), b);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::PageNotInDump);
  CHECK(missing.error().where == kNt + 0x100000);
  auto missing_in_1g = a.vm->read_virtual_exact(Gva(0xfffff80350000000), b);
  REQUIRE_FALSE(missing_in_1g.ok());
  CHECK(missing_in_1g.error().code == ErrorCode::PageNotInDump);
}

TEST_CASE("system-x64-bitmap.dmp: modules, stack and culprit", "[system]") {
  Analyzed a(system_x64_bitmap());
  CHECK(a.warning_codes().empty());
  CHECK(a.module_names() == std::vector<std::string>{"app.exe", "KERNEL32.DLL", "ntdll.dll", "baddrv.sys",
                                                       "ntoskrnl.exe", "ndis.sys", "Ntfs.sys", "kbdhid.sys",
                                                       "kd.dll", "hal.dll"});
  const Module* hal = a.module("hal.dll", ModuleKind::Kernel);
  REQUIRE(hal != nullptr);
  CHECK(hal->base == kHal);
  CHECK(hal->size == 0x6b000);
  // The return whose call straddles the 2 MiB boundary is recognised.
  CHECK(entries_of(a.analysis.stack) == std::vector<ExpectedEntry>{
                                            {kSp + 0x08, 0xfffff8031482a010, "ndis.sys", 0x2a010, false},
                                            {kSp + 0x10, 0xfffff80312a00003, "ntoskrnl.exe", 0x200003, true},
                                            {kSp + 0x20, 0xfffff80312341234, "baddrv.sys", 0x1234, true},
                                            {kSp + 0x28, 0xfffff80340e2a8f0, "hal.dll", 0x2a8f0, false},
                                            {kSp + 0x30, 0xfffff80314a4c2f1, "Ntfs.sys", 0x4c2f1, true},
                                            {kSp + 0x40, 0xfffff80312bf5a10, "ntoskrnl.exe", 0x3f5a10, true},
                                        });
  CHECK(a.reg("rcx") == 0xffffb00dead00000);
  const DumpHeader& h = a.dump->header();
  CHECK(h.bugcheck_code == 0x50);
  CHECK(h.bugcheck_parameters == std::array<uint64_t, 4>{0xffffb00dead00028, 0, 0xfffff8031234abcd, 2});
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.offset == 0xabcd);
  CHECK(c.reason == "bug check 0x50 parameter 3 (address that referenced memory)");
}
