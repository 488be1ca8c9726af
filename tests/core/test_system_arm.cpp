// 32-bit ARM (ARMNT, 0x1C4): system-arm.dmp (full), system-arm-kernel.dmp (bitmap kernel dump without user pages),
// system-arm-on-request.dmp (bug check 0) and triage-arm.dmp (TRIAGE_DUMP32). Short-descriptor page tables, the ARM
// CONTEXT, Thumb returns after BL / BLX r3, the r11 frame chain, and the culprit.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/bugcheck.hpp"
#include "kdmp/virtual_reader.hpp"
#include "test_system_helpers.hpp"
#include "triage_writer.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
constexpr uint64_t kNt = 0x80400000, kBad = 0x9a100000, kSp = 0x9a3e6b40;

// The stack every full ARM fixture has, from the stack pointer up (4-byte slots).
std::vector<ExpectedEntry> arm_stack() {
  return {
      {kSp + 0x04, 0x88e6a011, "ndis.sys", 0x2a010, false},
      {kSp + 0x08, 0x80600003, "ntoskrnl.exe", 0x200002, true},  // BL straddling a 1 MiB section boundary
      {kSp + 0x10, 0x9a101235, "baddrv.sys", 0x1234, true},
      {kSp + 0x14, 0x80a2a8f1, "hal.dll", 0x2a8f0, false},
      {kSp + 0x18, 0x8be4c2f1, "Ntfs.sys", 0x4c2f0, true},        // BLX r3
      {kSp + 0x20, 0x807f5a11, "ntoskrnl.exe", 0x3f5a10, true},
  };
}
}  // namespace

TEST_CASE("system-arm.dmp: header, machine and the ARM CONTEXT", "[system]") {
  Analyzed a(system_arm());
  const DumpHeader& h = a.dump->header();
  CHECK_FALSE(h.is64);
  CHECK(h.machine_image_type == 0x1c4);
  CHECK(machine_name(h.machine_image_type) == std::string("ARM"));
  CHECK(h.dump_type == 1);
  CHECK((h.directory_table_base & 0x3fff) == 0x6a);
  CHECK(a.warning_codes().empty());

  REQUIRE(a.analysis.context);
  const Context& c = *a.analysis.context;
  CHECK(c.machine == 0x1c4);
  CHECK(c.context_flags == 0x200007);
  CHECK(a.reg("pc") == kBad + 0xabcc);
  CHECK(a.reg("sp") == kSp);
  CHECK(a.reg("r11") == kSp + 0xc);
  CHECK(a.reg("lr") == kBad + 0x1235);
  CHECK(a.reg("r0") == 0x86d1e010);
  CHECK(a.reg("r2") == 2);
  CHECK(a.reg("cpsr") == 0x20000033);
  CHECK(a.reg("fpscr") == 0);
  CHECK(a.reg("d31") == 0);
  CHECK(c.instruction_pointer == kBad + 0xabcc);
  CHECK(c.frame_pointer == kSp + 0xc);
  std::vector<std::string> names;
  for (const Register& r : c.registers) names.push_back(r.name);
  REQUIRE(names.size() == 13 + 5 + 32);
  CHECK(names[0] == "r0");
  CHECK(names[12] == "r12");
  CHECK(std::vector<std::string>(names.begin() + 13, names.begin() + 18) ==
        std::vector<std::string>{"sp", "lr", "pc", "cpsr", "fpscr"});
  CHECK(names.back() == "d31");
  // ldr r0, [r1, #0x28] (Thumb) at pc.
  CHECK(a.read(kBad + 0xabcc, 2) == std::vector<uint8_t>{0x88, 0x6a});
}

TEST_CASE("system-arm.dmp: virtual memory through the short-descriptor tables", "[system]") {
  Analyzed a(system_arm());
  auto* reader = dynamic_cast<VirtualReader*>(a.vm.get());
  REQUIRE(reader != nullptr);
  CHECK(reader->mode() == PagingMode::Arm);
  CHECK(a.vm->pointer_size() == 4);
  // ntoskrnl.exe in 1 MiB sections, placed in RAM in reverse order.
  auto t = reader->translate(Gva(kNt + 0x135c28));
  REQUIRE(t.ok());
  CHECK(t->page_size == 0x100000);
  CHECK(t->gpa == Gpa(0x1000000 + 0x400000 + 0x35c28));  // section 1 of 6 is the fifth in RAM
  CHECK(a.read(kNt + 0x2ffff8, 16) == ascii("kdmpview-marker!"));  // across two sections
  // A driver's page and a user page (the TEB) in 4 KiB pages.
  auto bad = reader->translate(Gva(kBad + 0xabcc));
  REQUIRE(bad.ok());
  CHECK(bad->page_size == 0x1000);
  CHECK_FALSE(bad->user);
  auto teb = reader->translate(Gva(0x7ffde000));
  REQUIRE(teb.ok());
  CHECK(teb->user);
  auto none = reader->translate(Gva(0xf0000000));
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.error().message, Catch::Contains("L1 descriptor"));
}

TEST_CASE("system-arm.dmp: modules, Thumb returns, the r11 chain and the culprit", "[system]") {
  Analyzed a(system_arm());
  const Module* nt = a.module("ntoskrnl.exe", ModuleKind::Kernel);
  REQUIRE(nt != nullptr);
  CHECK(nt->base == kNt);
  CHECK(a.module("baddrv.sys", ModuleKind::Kernel) != nullptr);
  CHECK(a.module("app.exe", ModuleKind::User) != nullptr);
  CHECK(entries_of(a.analysis.stack) == arm_stack());
  CHECK(a.analysis.stack.start == kSp);
  // BL before the return into baddrv.sys (0x1234), NOP + BLX r3 before the one into Ntfs.sys.
  CHECK(a.read(kBad + 0x1230, 4) == std::vector<uint8_t>{0x00, 0xf0, 0xa2, 0xf8});
  CHECK(a.read(0x8be4c2ec, 4) == std::vector<uint8_t>{0x00, 0xbf, 0x98, 0x47});
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == kBad + 0xabcc);
  CHECK(c.reason == "bug check 0xD1 parameter 4 (address that referenced memory)");
}

TEST_CASE("system-arm-kernel.dmp: a bitmap kernel dump without user pages", "[system]") {
  Analyzed a(system_arm_kernel());
  CHECK(a.dump->header().dump_type == 6);
  CHECK(a.module("ntoskrnl.exe", ModuleKind::Kernel) != nullptr);
  CHECK(a.module("app.exe", ModuleKind::User) == nullptr);
  CHECK(entries_of(a.analysis.stack) == arm_stack());
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.reason == "bug check 0x1E parameter 2 (address where the exception occurred)");
  CHECK_FALSE(a.read(0x7ffde000, 4).size() == 4);  // the TEB is a user page: not in the dump
}

TEST_CASE("system-arm-on-request.dmp: bug check 0 is a dump written on request", "[system]") {
  Analyzed a(system_arm_on_request());
  CHECK(bugcheck_name(0) == "NO_BUG_CHECK");
  CHECK_THAT(find_bugcheck(0)->description, Catch::Contains("written on request"));
  CHECK_FALSE(a.analysis.culprit.module);
  CHECK_THAT(a.analysis.culprit.reason, Catch::Contains("written on request"));
  CHECK(entries_of(a.analysis.stack) == arm_stack());
}

TEST_CASE("triage-arm.dmp: a 32-bit ARM minidump, the context at the bug check and at the fault", "[system]") {
  Analyzed a(triage_arm_sample());
  const TriageDump* t = a.dump->triage();
  REQUIRE(t != nullptr);
  CHECK(t->valid);
  CHECK(a.warning_codes().empty());
  constexpr uint64_t kSaved = 0x9a1b2800, kTop = kSaved + 0x400;
  CHECK(t->header.top_of_stack == kSaved);
  // context: the header's CONTEXT, KeBugCheckEx.
  CHECK(a.reg("pc") == kNt + 0x3f5a80);
  CHECK(a.reg("sp") == kSaved);
  // faultingContext: parameter 4's CONTEXT, in baddrv.sys.
  REQUIRE(a.analysis.faulting_context);
  const FaultingContext& f = *a.analysis.faulting_context;
  CHECK(f.source == "bug check 0x1000007E parameter 4 (context record)");
  CHECK(f.address == kSaved + 0x100);
  CHECK(f.context.get("pc") == kBad + 0xabcc);
  CHECK(f.context.get("sp") == kTop);
  CHECK(f.context.get("lr") == kBad + 0x1235);
  // The exception is parameter 3's.
  REQUIRE(a.analysis.exception);
  CHECK(a.analysis.exception->code == 0xc0000005);
  CHECK(a.analysis.exception->address == kBad + 0xabcc);
  // The stack from TopOfStack: the frames between KeBugCheckEx and the fault, then the fault's callers; the r11
  // chains of both contexts mark the Thumb returns (no code is saved in a minidump).
  const StackScan& s = a.analysis.stack;
  CHECK(s.start == kSaved);
  CHECK(s.fault_stack_pointer == kTop);
  CHECK(s.bytes_read == 0x1800);
  const auto entries = entries_of(s);
  CHECK(std::find(entries.begin(), entries.end(),
                  ExpectedEntry{kSaved + 0xc, kNt + 0x40f4e1, "ntoskrnl.exe", 0x40f4e0, true}) != entries.end());
  CHECK(std::find(entries.begin(), entries.end(),
                  ExpectedEntry{kTop + 0x14, kBad + 0x1235, "baddrv.sys", 0x1234, true}) != entries.end());
  CHECK(std::find(entries.begin(), entries.end(),
                  ExpectedEntry{kTop + 0x2c, kNt + 0x5a11, "ntoskrnl.exe", 0x5a10, false}) != entries.end());
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == kBad + 0xabcc);
  CHECK(c.reason == "bug check 0x1000007E parameter 2 (address where the exception occurred)");
}
