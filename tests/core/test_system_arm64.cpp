// system-arm64.dmp: Windows 10 on ARM64, a bitmap kernel dump. One TTBR maps both halves; ntoskrnl.exe lies in
// 2 MiB blocks with bit 12 set; return addresses follow BL or BLR.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/virtual_reader.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
constexpr uint64_t kNt = 0xfffff80312800000, kBad = 0xfffff80312340000, kSp = 0xffffd0012345e8c0;
}  // namespace

TEST_CASE("system-arm64.dmp: header and ARM64 context", "[system]") {
  Analyzed a(system_arm64());
  const DumpHeader& h = a.dump->header();
  CHECK(h.machine_image_type == 0xAA64);
  CHECK(h.dump_type == 6);
  CHECK(h.directory_table_base == 0x100000);
  CHECK(h.bugcheck_code == 0xd1);
  CHECK(h.bugcheck_parameters == std::array<uint64_t, 4>{0x28, 2, 0, kBad + 0xabcc});
  CHECK(a.warning_codes().empty());

  REQUIRE(a.analysis.context);
  CHECK(a.analysis.context->machine == 0xAA64);
  CHECK(a.reg("pc") == kBad + 0xabcc);
  CHECK(a.reg("sp") == kSp);
  CHECK(a.reg("fp") == kSp + 0x40);
  CHECK(a.reg("lr") == kBad + 0x1234);
  CHECK(a.reg("x0") == 0xffffc50a1e3f7010);
  CHECK(a.reg("x1") == 0);
  CHECK(a.reg("x2") == 2);
  CHECK(a.reg("x19") == 0xffffc50a1b2c3080);
  CHECK(a.reg("cpsr") == 0x60000005);
  CHECK(a.analysis.context->frame_pointer == kSp + 0x40);
  // ldr x0, [x1, #0x28] at pc.
  CHECK(a.read(kBad + 0xabcc, 4) == std::vector<uint8_t>{0x20, 0x14, 0x40, 0xf9});
}

TEST_CASE("system-arm64.dmp: 2 MiB blocks with bit 12 set", "[system]") {
  Analyzed a(system_arm64());
  auto* reader = dynamic_cast<VirtualReader*>(a.vm.get());
  REQUIRE(reader != nullptr);
  CHECK(reader->mode() == PagingMode::Arm64);
  auto t = reader->translate(Gva(kNt + 0x200ba0));
  REQUIRE(t.ok());
  CHECK(t->page_size == 0x200000);
  CHECK(t->gpa == Gpa(0x2e00ba0));
  CHECK(a.read(kNt + 0x3ffff8, 16) == ascii("kdmpview-marker!"));
  // User addresses through the same TTBR.
  auto teb = reader->translate(Gva(0xa3c5f4e000));
  REQUIRE(teb.ok());
  CHECK(teb->user);
  CHECK(teb->page_size == 0x1000);
}

TEST_CASE("system-arm64.dmp: modules, BL/BLR returns and the culprit", "[system]") {
  Analyzed a(system_arm64());
  CHECK(a.module_names() == std::vector<std::string>{"app.exe", "KERNEL32.DLL", "ntdll.dll", "baddrv.sys",
                                                       "ntoskrnl.exe", "ndis.sys", "Ntfs.sys", "kbdhid.sys",
                                                       "kd.dll", "hal.dll"});
  const Module* ntdll = a.module("ntdll.dll", ModuleKind::User);
  REQUIRE(ntdll != nullptr);
  CHECK(ntdll->base == 0x7ffd5e9b0000);
  CHECK(ntdll->size == 0x1f8000);
  CHECK(entries_of(a.analysis.stack) == std::vector<ExpectedEntry>{
                                            {kSp + 0x08, 0xfffff8031482a010, "ndis.sys", 0x2a010, false},
                                            {kSp + 0x10, 0xfffff80312a00004, "ntoskrnl.exe", 0x200004, true},
                                            {kSp + 0x20, 0xfffff80312341234, "baddrv.sys", 0x1234, true},
                                            {kSp + 0x28, 0xfffff80340e2a8f0, "hal.dll", 0x2a8f0, false},
                                            {kSp + 0x30, 0xfffff80314a4c2f0, "Ntfs.sys", 0x4c2f0, true},
                                            {kSp + 0x40, 0xfffff80312bf5a10, "ntoskrnl.exe", 0x3f5a10, true},
                                        });
  // BL before the return into baddrv.sys, BLR x8 before the one into Ntfs.sys, NOPs before the pointer into ndis.sys.
  CHECK(le::u32(a.read(kBad + 0x1230, 4), 0) == 0x94012345);
  CHECK(le::u32(a.read(0xfffff80314a4c2ec, 4), 0) == 0xd63f0100);
  CHECK(le::u32(a.read(0xfffff8031482a00c, 4), 0) == 0xd503201f);
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == kBad + 0xabcc);
  CHECK(c.offset == 0xabcc);
  CHECK(c.reason == "bug check 0xD1 parameter 4 (address that referenced memory)");
}
