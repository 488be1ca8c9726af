// system-module-cycle.dmp: baddrv.sys's KLDR entry links back to hal.dll's instead of to kbdhid.sys's. The dump
// still opens; the walk keeps the six modules it read before the cycle and says where it stopped.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

TEST_CASE("system-module-cycle.dmp: the walk stops at the cycle and keeps what it read", "[system]") {
  Analyzed a(system_module_cycle());
  CHECK(a.dump->warnings().empty());
  CHECK(a.module_names() == std::vector<std::string>{"app.exe", "KERNEL32.DLL", "ntdll.dll", "baddrv.sys",
                                                       "ntoskrnl.exe", "ndis.sys", "Ntfs.sys", "kd.dll",
                                                       "hal.dll"});
  CHECK(a.module("kbdhid.sys", ModuleKind::Kernel) == nullptr);
  REQUIRE(a.analysis.modules.warnings.size() == 1);
  CHECK(a.analysis.modules.warnings[0].code == "module-list-cycle");
  CHECK(a.analysis.modules.warnings[0].message ==
        "the kernel module list entry at 0xffffc2054a6f4400 links to 0xffffc2054a6f3400, an entry already visited "
        "(a cycle); stopped after 6 entries");
  CHECK(a.read_pointer(0xffffc2054a6f4400) == 0xffffc2054a6f3400);  // baddrv.sys's Flink -> hal.dll's entry

  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.offset == 0xabcd);
  CHECK(c.reason == "bug check 0xD1 parameter 4 (address that referenced memory)");
}
