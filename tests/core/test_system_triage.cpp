// triage64.dmp and triage32.dmp (triage_writer's samples) end to end: Dump::open, analyze, and the culprit from the
// saved driver list, with the stack scanned through TriageMemory.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/summary.hpp"
#include "test_system_helpers.hpp"
#include "triage_writer.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

TEST_CASE("triage64.dmp: modules, stack and culprit through the saved regions", "[system]") {
  const auto bytes = fixture_bytes("triage64.dmp");
  CHECK(bytes == triage64_sample());
  Analyzed a(bytes);
  REQUIRE(a.dump->triage() != nullptr);
  CHECK(a.dump->header().dump_type == 4);
  CHECK(a.warning_codes().empty());
  CHECK(dynamic_cast<TriageMemory*>(a.vm.get()) != nullptr);

  // The header's context is the faulting one (bug check parameter 4 points to a copy on the saved stack).
  CHECK(a.reg("rip") == 0xfffff8031234abcd);
  CHECK(a.reg("rsp") == 0xffffd0012345e8c0);
  CHECK(a.reg("rbp") == 0xffffd0012345e940);
  CHECK(a.reg("rax") == 0x28);
  CHECK(a.read_pointer(a.dump->header().bugcheck_parameters[3] + 0xf8) == 0xfffff8031234abcd);

  // The header holds the STATUS_BREAKPOINT at KeBugCheckEx Windows writes for every bug check; the exception that
  // crashed is the record bug check 0x1000007E's parameter 3 points to.
  REQUIRE(a.analysis.exception);
  CHECK(a.analysis.exception->code == 0xc0000005);
  CHECK(a.analysis.exception->address == 0xfffff8031234abcd);
  CHECK(a.analysis.exception->parameters == std::vector<uint64_t>{0, 0x28});
  CHECK(a.analysis.exception_source == "bug check 0x1000007E parameter 3 (exception record)");
  const auto header_exception = parse_exception(a.dump->header());
  REQUIRE(header_exception.ok());
  CHECK(header_exception->code == 0x80000003);
  CHECK(header_exception->address == 0xfffff80312bf5a80);

  // The string pool holds full paths; a module's name is the file name, its path the full one.
  CHECK(a.module_names() == std::vector<std::string>{"hal.dll", "baddrv.sys", "ntoskrnl.exe", "ACPI.sys"});
  const Module* bad = a.module("baddrv.sys", ModuleKind::Kernel);
  REQUIRE(bad != nullptr);
  CHECK(bad->path == "\\SystemRoot\\system32\\drivers\\baddrv.sys");
  CHECK(bad->base == 0xfffff80312340000);
  CHECK(bad->size == 0x10000);
  CHECK(bad->checksum == 0x1c0de);
  CHECK(bad->timestamp == 0x61e8a0b3);

  // The faulting context is parameter 4's CONTEXT (here the same as the header's, as Windows 10 writes it).
  REQUIRE(a.analysis.faulting_context);
  CHECK(a.analysis.faulting_context->source == "bug check 0x1000007E parameter 4 (context record)");
  CHECK(a.analysis.faulting_context->context.get("rip") == 0xfffff8031234abcd);

  // The scan starts at TopOfStack (KeBugCheckEx's frame, 0x800 below the faulting rsp) and runs to the stack base:
  // the dispatcher's frame, the CONTEXT and EXCEPTION_RECORD on the way up, then the faulting frame's callers. No
  // code pages were saved, so no value can be confirmed as a return address.
  const StackScan& s = a.analysis.stack;
  CHECK(s.start == 0xffffd0012345e0c0);
  CHECK(s.start == a.dump->triage()->header.top_of_stack);
  CHECK(s.fault_stack_pointer == 0xffffd0012345e8c0);
  CHECK(s.bytes_read == 0x1f40);
  CHECK(entries_of(s) == std::vector<ExpectedEntry>{
                             {0xffffd0012345e0c0, 0xfffff80312c0f4e1, "ntoskrnl.exe", 0x40f4e1, false},
                             {0xffffd0012345e3b8, 0xfffff8031234abcd, "baddrv.sys", 0xabcd, false},  // CONTEXT.Rip
                             {0xffffd0012345e7d0, 0xfffff8031234abcd, "baddrv.sys", 0xabcd, false},  // .ExceptionAddress
                             {0xffffd0012345e8e8, 0xfffff80312341234, "baddrv.sys", 0x1234, false},
                             {0xffffd0012345e918, 0xfffff80312bf5a10, "ntoskrnl.exe", 0x3f5a10, false},
                         });
  CHECK(a.read_pointer(0xffffd0012345e8e8) == 0xfffff80312341234);

  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == 0xfffff8031234abcd);
  CHECK(c.offset == 0xabcd);
  CHECK(c.reason == "bug check 0x1000007E parameter 2 (address where the exception occurred)");
  const std::string json = summary_json(*a.dump);
  CHECK_THAT(json, Catch::Contains(R"("culprit":{"module":"baddrv.sys",)"));
  CHECK_THAT(json, Catch::Contains(R"j("source":"bug check 0x1000007E parameter 3 (exception record)")j"));
  CHECK_THAT(json, Catch::Contains(R"("name":"baddrv.sys","path":"\\SystemRoot\\system32\\drivers\\baddrv.sys")"));
}

TEST_CASE("triage32.dmp: modules, stack and culprit through the saved regions", "[system]") {
  const auto bytes = fixture_bytes("triage32.dmp");
  CHECK(bytes == triage32_sample());
  Analyzed a(bytes);
  REQUIRE(a.dump->triage() != nullptr);
  CHECK_FALSE(a.dump->header().is64);
  CHECK(a.warning_codes().empty());
  CHECK(a.vm->pointer_size() == 4);

  CHECK(a.reg("eip") == 0x8c8a1234);
  CHECK(a.reg("esp") == 0x9a1b33c0);
  CHECK(a.reg("ebp") == 0x9a1b3400);
  CHECK(a.reg("eax") == 0x9a1b2c3d);

  CHECK(a.module_names() == std::vector<std::string>{"hal.dll", "ntkrpamp.exe", "ACPI.sys", "baddrv.sys"});
  const Module* nt = a.module("ntkrpamp.exe", ModuleKind::Kernel);
  REQUIRE(nt != nullptr);
  CHECK(nt->base == 0x82a1e000);
  CHECK(nt->size == 0x412000);

  const StackScan& s = a.analysis.stack;
  CHECK(s.start == 0x9a1b33c0);
  CHECK(s.bytes_read >= 0xc40);
  CHECK(entries_of(s) == std::vector<ExpectedEntry>{
                             {0x9a1b33d4, 0x8c8a1234, "baddrv.sys", 0x1234, false},
                             {0x9a1b33ec, 0x82a23a10, "ntkrpamp.exe", 0x5a10, false},
                         });

  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.module->base == 0x8c8a0000);
  CHECK(c.offset == 0x1234);
  CHECK(c.reason == "bug check 0x8E parameter 2 (address where the exception occurred)");
}
