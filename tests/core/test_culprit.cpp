#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "contexts.hpp"
#include "dump_writer.hpp"
#include "kdmp/culprit.hpp"
#include "kernel_structures.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {

constexpr uint64_t kNt = 0xfffff80312200000, kHal = 0xfffff80311f00000, kNdis = 0xfffff80317000000,
                   kBad = 0xfffff80318e40000;

std::vector<Module> modules() {
  return {
      {"hal.dll", "", kHal, 0x106000, 0, 0, ModuleKind::Kernel},
      {"ntoskrnl.exe", "", kNt, 0x1046000, 0, 0, ModuleKind::Kernel},
      {"ndis.sys", "", kNdis, 0x11c000, 0, 0, ModuleKind::Kernel},
      {"baddrv.sys", "", kBad, 0x9000, 0, 0, ModuleKind::Kernel},
  };
}

StackEntry entry(uint64_t stack_address, uint64_t value, bool probable_return) {
  const auto all = modules();
  const Module* m = find_module(all, value);
  REQUIRE(m != nullptr);
  return StackEntry{stack_address, value, m->name, m->base, value - m->base, probable_return};
}

CulpritEvidence bugcheck(uint32_t code, std::array<uint64_t, 4> parameters) {
  CulpritEvidence ev;
  ev.bugcheck_code = code;
  ev.bugcheck_parameters = parameters;
  return ev;
}

}  // namespace

TEST_CASE("Which bug check parameter holds the faulting code address", "[culprit]") {
  struct Row {
    uint32_t code;
    unsigned parameter;
  };
  for (Row r : {Row{0xA, 4}, Row{0x1000000A, 4}, Row{0x1E, 2}, Row{0x3B, 2}, Row{0x50, 3}, Row{0x7E, 2},
                Row{0x1000007E, 2}, Row{0x8E, 2}, Row{0x1000008E, 2}, Row{0xC5, 4}, Row{0xCC, 3}, Row{0xCD, 3},
                Row{0xCE, 3}, Row{0xD0, 4}, Row{0xD1, 4}, Row{0xD4, 4}, Row{0xD5, 3}, Row{0xD6, 3}, Row{0x116, 2}}) {
    INFO("code " << hex(r.code));
    auto rule = bugcheck_address_rule(r.code);
    REQUIRE(rule.has_value());
    CHECK(rule->parameter == r.parameter);
  }
  for (uint32_t code : {0xC4u, 0xBEu, 0xFCu, 0xCBu, 0x133u, 0xEFu, 0x124u, 0u}) {
    CHECK_FALSE(bugcheck_address_rule(code).has_value());
  }
  CHECK(std::string(bugcheck_address_rule(0xD1)->meaning) == "address that referenced memory");
}

TEST_CASE("Kernel images by name", "[culprit]") {
  CHECK(is_kernel_image("ntoskrnl.exe"));
  CHECK(is_kernel_image("NTKRNLMP.EXE"));
  CHECK(is_kernel_image("ntkrnlpa.exe"));
  CHECK(is_kernel_image("ntkrpamp.exe"));
  CHECK(is_kernel_image("hal.dll"));
  CHECK(is_kernel_image("halmacpi.dll"));
  CHECK_FALSE(is_kernel_image("ntoskrnl.exe.mui"));
  CHECK_FALSE(is_kernel_image("baddrv.sys"));
  CHECK_FALSE(is_kernel_image("ndis.sys"));
  CHECK_FALSE(is_kernel_image(""));
}

TEST_CASE("The bug check parameter names the driver", "[culprit]") {
  SECTION("0xD1 parameter 4") {
    Culprit c = find_culprit(bugcheck(0xD1, {0x28, 2, 0, kBad + 0x1a2b}), modules(), {});
    REQUIRE(c.module.has_value());
    CHECK(c.module->name == "baddrv.sys");
    CHECK(c.module->base == kBad);
    CHECK(c.address == kBad + 0x1a2b);
    CHECK(c.offset == 0x1a2b);
    CHECK(c.reason == "bug check 0xD1 parameter 4 (address that referenced memory)");
  }
  SECTION("0x50 parameter 3") {
    Culprit c = find_culprit(bugcheck(0x50, {0xffffd00b12340000, 0, kNdis + 0x77f3, 2}), modules(), {});
    REQUIRE(c.module.has_value());
    CHECK(c.module->name == "ndis.sys");
    CHECK(c.offset == 0x77f3);
    CHECK(c.reason == "bug check 0x50 parameter 3 (address that referenced memory)");
  }
  SECTION("0x1000007E parameter 2 wins over the exception address and the instruction pointer") {
    CulpritEvidence ev = bugcheck(0x1000007E, {0xc0000005, kBad + 0x20, 0xffffd0012345e100, 0xffffd0012345d900});
    ev.exception_address = kNdis + 0x10;
    ev.instruction_pointer = kNt + 0x3f5a10;
    Culprit c = find_culprit(ev, modules(), {});
    REQUIRE(c.module.has_value());
    CHECK(c.module->name == "baddrv.sys");
    CHECK(c.offset == 0x20);
    CHECK(c.reason == "bug check 0x1000007E parameter 2 (address where the exception occurred)");
  }
}

TEST_CASE("Without a parameter rule: the exception address, then the instruction pointer", "[culprit]") {
  CulpritEvidence ev = bugcheck(0xEF, {0xffffb00112345080, 0, 0, 0});
  ev.exception_address = kNdis + 0x1000;
  ev.instruction_pointer = kBad + 0x40;
  Culprit by_exception = find_culprit(ev, modules(), {});
  REQUIRE(by_exception.module.has_value());
  CHECK(by_exception.module->name == "ndis.sys");
  CHECK(by_exception.offset == 0x1000);
  CHECK(by_exception.reason == "the exception address");

  ev.exception_address.reset();
  Culprit by_ip = find_culprit(ev, modules(), {});
  REQUIRE(by_ip.module.has_value());
  CHECK(by_ip.module->name == "baddrv.sys");
  CHECK(by_ip.address == kBad + 0x40);
  CHECK(by_ip.reason == "the context's instruction pointer");
}

TEST_CASE("In the kernel: the first other module on the stack", "[culprit]") {
  // IRQL_NOT_LESS_OR_EQUAL raised inside the kernel on behalf of a driver.
  CulpritEvidence ev = bugcheck(0xA, {0x48, 2, 0, kNt + 0x1b8c40});
  const std::vector<StackEntry> stack = {
      entry(0xffffd0012345e9b0, kNt + 0x3f5b2c, true),
      entry(0xffffd0012345e9b8, kHal + 0x1f00, true),     // the HAL is part of the kernel too
      entry(0xffffd0012345e9c0, kNdis + 0x8000, false),   // stale data, not a return address
      entry(0xffffd0012345e9e8, kBad + 0x1234, true),
  };
  Culprit c = find_culprit(ev, modules(), stack);
  REQUIRE(c.module.has_value());
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == kBad + 0x1234);
  CHECK(c.offset == 0x1234);
  CHECK(c.reason ==
        "bug check 0xA parameter 4 (address that referenced memory) is in ntoskrnl.exe; baddrv.sys is the first "
        "other module on the stack (return address 0xfffff80318e41234 at 0xffffd0012345e9e8)");

  SECTION("without return addresses, any value in another module") {
    std::vector<StackEntry> plain = stack;
    plain.pop_back();
    Culprit d = find_culprit(ev, modules(), plain);
    REQUIRE(d.module.has_value());
    CHECK(d.module->name == "ndis.sys");
    CHECK(d.reason ==
          "bug check 0xA parameter 4 (address that referenced memory) is in ntoskrnl.exe; ndis.sys is the first "
          "other module on the stack (value 0xfffff80317008000 at 0xffffd0012345e9c0)");
  }
  SECTION("only the kernel on the stack: the kernel it is") {
    Culprit d = find_culprit(ev, modules(), {stack[0], stack[1]});
    REQUIRE(d.module.has_value());
    CHECK(d.module->name == "ntoskrnl.exe");
    CHECK(d.offset == 0x1b8c40);
    CHECK(d.reason == "bug check 0xA parameter 4 (address that referenced memory) is in ntoskrnl.exe, and no other "
                      "module is on the stack");
  }
}

TEST_CASE("A crash started on purpose blames no driver from the stack", "[culprit]") {
  CHECK(is_manual_crash(0xE2));
  CHECK(is_manual_crash(0xDEADDEAD));
  CHECK(is_manual_crash(0x1C8));
  CHECK_FALSE(is_manual_crash(0xD1));
  // The real triage_arm64.dmp: power button held (0x1C8), the header's breakpoint at KeBugCheck2 in the kernel, and
  // a driver's address lying on the stack that has nothing to do with it.
  CulpritEvidence ev = bugcheck(0x1C8, {0x1b58, kNt + 0xc20860, 0, 0});
  ev.exception_address = kNt + 0x4de014;
  ev.instruction_pointer = kNt + 0x4de014;
  Culprit c = find_culprit(ev, modules(), {entry(0xffffd0012345e9b0, kBad + 0x80, true)});
  REQUIRE(c.module.has_value());
  CHECK(c.module->name == "ntoskrnl.exe");
  CHECK(c.address == kNt + 0x4de014);
  CHECK(c.reason == "bug check 0x1C8 is a crash started on purpose, not a driver's fault; the exception address is "
                    "in ntoskrnl.exe");

  SECTION("a driver that started it (the keyboard's crash key) is still named") {
    CulpritEvidence key = bugcheck(0xE2, {0, 0, 0, 0});
    key.instruction_pointer = kBad + 0x1d2c;
    Culprit k = find_culprit(key, modules(), {});
    REQUIRE(k.module.has_value());
    CHECK(k.module->name == "baddrv.sys");
    CHECK(k.reason == "the context's instruction pointer");
  }
}

TEST_CASE("Kernel images are recognised by file name, from a path too", "[culprit]") {
  CHECK(is_kernel_image("ntoskrnl.exe"));
  CHECK(is_kernel_image("NTKRNLMP.EXE"));
  CHECK(is_kernel_image("\\SystemRoot\\system32\\ntoskrnl.exe"));
  CHECK(is_kernel_image("\\SystemRoot\\system32\\hal.dll"));
  CHECK_FALSE(is_kernel_image("\\SystemRoot\\system32\\drivers\\baddrv.sys"));
  CHECK_FALSE(is_kernel_image("C:\\ntoskrnl.exe.bak"));
  CHECK(path_file_name("\\SystemRoot\\System32\\drivers\\ACPI.sys") == "ACPI.sys");
  CHECK(path_file_name("\\??\\C:/Drivers/baddrv.sys") == "baddrv.sys");
  CHECK(path_file_name("hal.dll") == "hal.dll");
  CHECK(path_file_name("") == "");
}

TEST_CASE("A candidate outside every module falls through to the next", "[culprit]") {
  // 0xD1 with execute access: parameter 4 is the bad target itself, in no module.
  CulpritEvidence ev = bugcheck(0xD1, {0x4141414141414141, 2, 8, 0x4141414141414141});
  ev.instruction_pointer = kBad + 0x2222;
  Culprit c = find_culprit(ev, modules(), {});
  REQUIRE(c.module.has_value());
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.reason == "bug check 0xD1 parameter 4 (address that referenced memory) 0x4141414141414141 is in no "
                    "loaded module; the context's instruction pointer");

  SECTION("nothing in a module, but the stack has a driver") {
    ev.instruction_pointer = 0x4141414141414141;
    Culprit d = find_culprit(ev, modules(), {entry(0xffffd0012345e9b0, kBad + 0x80, true)});
    REQUIRE(d.module.has_value());
    CHECK(d.module->name == "baddrv.sys");
    CHECK(d.address == kBad + 0x80);
  }
  SECTION("nothing anywhere: the first candidate, without a module") {
    ev.instruction_pointer.reset();
    Culprit d = find_culprit(ev, {}, {});
    CHECK_FALSE(d.module.has_value());
    CHECK(d.address == 0x4141414141414141);
    CHECK(d.offset == 0);
    CHECK(d.reason == "bug check 0xD1 parameter 4 (address that referenced memory) 0x4141414141414141 is in no "
                      "loaded module; and no other module is on the stack");
  }
}

TEST_CASE("No evidence at all", "[culprit]") {
  Culprit c = find_culprit(bugcheck(0x1, {0, 0, 0, 0}), modules(), {});
  CHECK_FALSE(c.module.has_value());
  CHECK(c.address == 0);
  CHECK(c.reason == "no faulting address: no bug check parameter names one, and there is no exception address or "
                    "instruction pointer");
  // A zero parameter is no candidate.
  Culprit z = find_culprit(bugcheck(0x7E, {0xc0000005, 0, 0, 0}), modules(), {});
  CHECK(z.address == 0);
  CHECK_FALSE(z.module.has_value());
}

TEST_CASE("Bug check 0: a dump written on request blames no module", "[culprit]") {
  CulpritEvidence ev = bugcheck(0, {0, 0, 0, 0});
  ev.instruction_pointer = kBad + 0x2222;  // whatever the CPU was running when the dump was taken
  Culprit c = find_culprit(ev, modules(), {entry(0xffffd0012345e9b0, kBad + 0x80, true)});
  CHECK_FALSE(c.module.has_value());
  CHECK(c.address == 0);
  CHECK(c.reason == "no bug check: the dump was written on request (a debugger's .dump or a live dump), not by a "
                    "crash, so no driver is blamed");
}

TEST_CASE("No claim about the stack when none of it was read", "[culprit]") {
  CulpritEvidence ev = bugcheck(0xA, {0xffffb00dead00010, 2, 0, kNt + 0x2b1c0});
  ev.stack_read = false;
  Culprit c = find_culprit(ev, modules(), {});
  REQUIRE(c.module.has_value());
  CHECK(c.module->name == "ntoskrnl.exe");
  CHECK(c.reason == "bug check 0xA parameter 4 (address that referenced memory) is in ntoskrnl.exe, and the stack "
                    "could not be read to look for another module");
  ev.stack_read = true;
  CHECK(find_culprit(ev, modules(), {}).reason == "bug check 0xA parameter 4 (address that referenced memory) is in "
                                                  "ntoskrnl.exe, and no other module is on the stack");
}

TEST_CASE("Evidence from a dump header and its context", "[culprit]") {
  DumpSpec spec = full_two_runs();
  spec.bugcheck_code = 0x3B;
  spec.bugcheck_parameters = {0xc0000005, kBad + 0x4321, 0xffffd0012345e920, 0};
  spec.exception = exception_record(true, 0xc0000005, kBad + 0x4300, {0, 0x10});
  auto bytes = build_dump(spec);
  MemorySource src(bytes);
  auto header = read_header(src);
  REQUIRE(header.ok());
  Context ctx;
  ctx.instruction_pointer = kNt + 0x3f5a10;
  CulpritEvidence ev = culprit_evidence(*header, &ctx);
  CHECK(ev.bugcheck_code == 0x3B);
  CHECK(ev.bugcheck_parameters[1] == kBad + 0x4321);
  CHECK(ev.exception_address == kBad + 0x4300);
  CHECK(ev.instruction_pointer == kNt + 0x3f5a10);

  CulpritEvidence without = culprit_evidence(*header, nullptr);
  CHECK_FALSE(without.instruction_pointer.has_value());
}

TEST_CASE("End to end: modules, stack and culprit from one system", "[culprit]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  System sys = build_system(vm, spec);
  // KeBugCheckEx called from the kernel's fault handler, called from the driver.
  write_call_before(vm, kNt + 0x41a3e9, CallForm::Rel32);
  write_call_before(vm, kBad + 0x1b7f, CallForm::RexRipIndirect);
  write_stack(vm, sys.stack_pointer, {0, kNt + 0x41a3e9, 0xffffd0012345ea80, kBad + 0x1b7f}, 8);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  REQUIRE(list.warnings.empty());
  StackScan scan = scan_stack(vm, sys.context.stack_pointer, sys.context.machine, list.modules);
  CulpritEvidence ev = bugcheck(0x133, {1, 0x1e00, 0xfffff80312b1c340, 0});  // DPC_WATCHDOG_VIOLATION: no rule
  ev.instruction_pointer = sys.context.instruction_pointer;
  Culprit c = find_culprit(ev, list.modules, scan.entries);
  REQUIRE(c.module.has_value());
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.module->path == "\\??\\C:\\Drivers\\baddrv.sys");
  CHECK(c.module->timestamp == 0x5e0a1b2c);
  CHECK(c.offset == 0x1b7f);
  CHECK(c.reason == "the context's instruction pointer is in ntoskrnl.exe; baddrv.sys is the first other module on "
                    "the stack (return address 0xfffff80318e41b7f at 0xffffd0012345e9c0)");
}
