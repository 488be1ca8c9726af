// system-x64-rdmp.dmp: a kernel memory dump (type 8, RDMP). Like a real one it leaves user-mode pages out: the
// kernel half works as usual, and the crashing thread's user modules are reported as unavailable, not guessed.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

TEST_CASE("system-x64-rdmp.dmp: kernel modules and culprit without user memory", "[system]") {
  Analyzed a(system_x64_rdmp());
  const DumpHeader& h = a.dump->header();
  CHECK(h.dump_type == 8);
  CHECK(a.dump->physical_index().layout() == PhysicalLayout::Runs);  // RDMP ranges
  CHECK(a.dump->warnings().empty());

  CHECK(a.module_names() == std::vector<std::string>{"baddrv.sys", "ntoskrnl.exe", "ndis.sys", "Ntfs.sys",
                                                       "kbdhid.sys", "kd.dll", "hal.dll"});
  for (const Module& m : a.analysis.modules.modules) CHECK(m.kind == ModuleKind::Kernel);
  REQUIRE(a.analysis.modules.warnings.size() == 1);
  const Warning& w = a.analysis.modules.warnings[0];
  CHECK(w.code == "user-modules-unavailable");
  CHECK_THAT(w.message, Catch::StartsWith("user modules of thread 0xffffc50a1b2c3080 (TEB 0xa3c5f4e000) unavailable: "
                                          "the TEB is unreadable: va 0xa3c5f4e060 maps to gpa "));
  CHECK_THAT(w.message, Catch::Contains("is not in the dump"));

  // The TEB's page is mapped but not stored; the kernel's pages are.
  std::vector<uint8_t> b(8);
  auto teb = a.vm->read_virtual_exact(Gva(0xa3c5f4e000), b);
  REQUIRE_FALSE(teb.ok());
  CHECK(teb.error().code == ErrorCode::PageNotInDump);
  CHECK(a.read(0xfffff80312a00ba0 + 0x10, 4) == ascii("KDBG"));

  CHECK(a.analysis.stack.entries.size() == 6);
  CHECK(h.bugcheck_code == 0x1e);
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == 0xfffff8031234abcd);
  CHECK(c.offset == 0xabcd);
  CHECK(c.reason == "bug check 0x1E parameter 2 (address where the exception occurred)");
}
