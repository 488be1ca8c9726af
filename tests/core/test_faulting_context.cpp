// `context` is always the header's CONTEXT (the CPU at the bug check); the state at the fault, when the bug check
// points to it (a CONTEXT record, a trap frame), is the faulting context beside it. The stack is scanned from the
// lowest saved stack address, and the faulting stack pointer is marked in the scan.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "contexts.hpp"
#include "kdmp/faulting_context.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
constexpr uint64_t kNt = 0xfffff80312800000, kBad = 0xfffff80312340000;
constexpr uint64_t kFaultSp = 0xffffd0012345e8c0, kBugcheckSp = kFaultSp - 0x800;

bool has(const StackScan& s, const ExpectedEntry& e) {
  const auto entries = entries_of(s);
  return std::find(entries.begin(), entries.end(), e) != entries.end();
}
}  // namespace

TEST_CASE("fault_record_rule: the bug checks that point to the state at the fault", "[context]") {
  CHECK(fault_record_rule(0x7E)->parameter == 4);
  CHECK(fault_record_rule(0x1000007E)->kind == FaultRecordKind::Context);
  CHECK(fault_record_rule(0x3B)->parameter == 3);
  CHECK(fault_record_rule(0x8E)->kind == FaultRecordKind::TrapFrame);
  CHECK(fault_record_rule(0x1000008E)->parameter == 3);
  CHECK(fault_record_rule(0x139)->parameter == 2);
  CHECK_FALSE(fault_record_rule(0xD1));
  CHECK_FALSE(fault_record_rule(0));
}

TEST_CASE("system-x64-fault-context.dmp: context at KeBugCheckEx, faulting context from parameter 4", "[system]") {
  Analyzed a(system_x64_fault_context());
  CHECK(a.warning_codes().empty());
  REQUIRE(a.analysis.context);
  CHECK(a.reg("rip") == kNt + 0x3f9c40);  // KeBugCheckEx
  CHECK(a.reg("rsp") == kBugcheckSp);
  CHECK(a.reg("rcx") == 0x1000007e);

  REQUIRE(a.analysis.faulting_context);
  const FaultingContext& f = *a.analysis.faulting_context;
  CHECK(f.source == "bug check 0x1000007E parameter 4 (context record)");
  CHECK(f.address == kBugcheckSp + 0x100);
  CHECK(f.context.get("rip") == kBad + 0xabcd);
  CHECK(f.context.get("rsp") == kFaultSp);
  CHECK(f.context.get("rax") == 0xffffc50a1e3f7010);

  REQUIRE(a.analysis.exception);
  CHECK(a.analysis.exception_source == "bug check 0x1000007E parameter 3 (exception record)");
  CHECK(a.analysis.exception->address == kBad + 0xabcd);

  // The scan starts at the bug check's stack pointer: the kernel's frames below the fault are listed too.
  const StackScan& s = a.analysis.stack;
  CHECK(s.start == kBugcheckSp);
  CHECK(s.fault_stack_pointer == kFaultSp);
  CHECK(has(s, {kBugcheckSp, kNt + 0x40f4e1, "ntoskrnl.exe", 0x40f4e1, true}));
  CHECK(has(s, {kBugcheckSp + 0x6a0, kNt + 0x41a2c7, "ntoskrnl.exe", 0x41a2c7, true}));
  CHECK(has(s, {kFaultSp + 0x20, kBad + 0x1234, "baddrv.sys", 0x1234, true}));

  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.offset == 0xabcd);
  CHECK(c.reason == "bug check 0x1000007E parameter 2 (address where the exception occurred)");
}

TEST_CASE("system-culprit-exception.dmp: the faulting context from bug check 0x139's trap frame", "[system]") {
  Analyzed a(system_culprit_exception());
  const uint64_t sp = *a.reg("rsp");
  CHECK(a.reg("rip") == kNt + 0x3f9c40);
  REQUIRE(a.analysis.faulting_context);
  const FaultingContext& f = *a.analysis.faulting_context;
  CHECK(f.source == "bug check 0x139 parameter 2 (trap frame)");
  CHECK(f.address == sp + 0x200);
  CHECK(f.context.get("rip") == kBad + 0x5a31);
  CHECK(f.context.get("rsp") == sp + 0x600);
  CHECK(f.context.get("rbp") == sp + 0x680);
  CHECK(f.context.get("rcx") == 3);
  CHECK(f.context.get("rflags") == 0x10246);
  CHECK(f.context.get("cs") == 0x10);
  CHECK_FALSE(f.context.get("r12"));  // a trap frame keeps no nonvolatile r12-r15
  CHECK(a.analysis.stack.start == sp);
  CHECK(a.analysis.stack.fault_stack_pointer == sp + 0x600);
}

TEST_CASE("decode_trap_frame: x86 kernel-mode traps push no esp", "[context]") {
  std::vector<uint8_t> frame(0x8c, 0);
  le::put32(frame, 0x68, 0x9a101234);  // Eip
  le::put32(frame, 0x6c, 0x8);         // SegCs: kernel
  le::put32(frame, 0x70, 0x10286);     // EFlags
  le::put32(frame, 0x60, 0x9a3e6c00);  // Ebp
  le::put32(frame, 0x44, 0x28);        // Eax
  auto c = decode_trap_frame(frame, 0x14c, 0x9a3e6b00);
  REQUIRE(c);
  CHECK(c->get("eip") == 0x9a101234);
  CHECK(c->get("esp") == 0x9a3e6b74);
  CHECK(c->stack_pointer == 0x9a3e6b74);
  CHECK(c->get("eax") == 0x28);
  CHECK_FALSE(c->get("ss"));
  le::put32(frame, 0x6c, 0x1b);        // from user mode: HardwareEsp and HardwareSegSs
  le::put32(frame, 0x74, 0x0012f000);
  le::put32(frame, 0x78, 0x23);
  auto u = decode_trap_frame(frame, 0x14c, 0x9a3e6b00);
  REQUIRE(u);
  CHECK(u->get("esp") == 0x0012f000);
  CHECK(u->get("ss") == 0x23);
  CHECK_FALSE(decode_trap_frame(frame, 0xAA64, 0));
  CHECK_FALSE(decode_trap_frame(std::span<const uint8_t>(frame).first(0x40), 0x14c, 0));
}

TEST_CASE("decode_context: the ARM CONTEXT at winnt.h's offsets, Thumb bit cleared", "[context]") {
  auto bytes = arm_context({{"r0", 0x11}, {"r12", 0x22}, {"sp", 0x9a3e6b40}, {"lr", 0x9a101235}, {"pc", 0x9a10abcd},
                            {"cpsr", 0x20000033}, {"fpscr", 0x3000000}, {"d0", 0x4000000000000000}, {"d31", 7}});
  REQUIRE(bytes.size() == 0x1a0);
  CHECK(le::u32(bytes, 0x40) == 0x9a10abcd);  // Pc
  CHECK(le::u32(bytes, 0x38) == 0x9a3e6b40);  // Sp
  CHECK(le::u64(bytes, 0x50) == 0x4000000000000000);  // D0
  CHECK(le::u64(bytes, 0x148) == 7);                  // D31
  auto c = decode_context(bytes, 0x1c4);
  REQUIRE(c.ok());
  CHECK(c->get("r0") == 0x11);
  CHECK(c->get("r12") == 0x22);
  CHECK(c->get("pc") == 0x9a10abcd);  // the register as saved
  CHECK(c->instruction_pointer == 0x9a10abcc);  // the instruction: Thumb bit cleared
  CHECK(c->stack_pointer == 0x9a3e6b40);
  CHECK(c->get("fpscr") == 0x3000000);
  CHECK(c->get("d0") == 0x4000000000000000);
  CHECK(c->get("d31") == 7);
  CHECK(context_size(0x1c4) == 0x1a0);
  CHECK_FALSE(decode_context(std::span<const uint8_t>(bytes).first(0x100), 0x1c4).ok());
}
