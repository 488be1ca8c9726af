// The unwinder against dumps laid out from real images (tests/stack_images, fixtures/unwind_systems.cpp): every
// frame's pc and stack pointer, how it was found, and the trap frame crossed on the way.
#include <catch2/catch.hpp>

#include "kdmp/call_stack.hpp"
#include "kdmp/faulting_context.hpp"
#include "kdmp/module_unwind_source.hpp"
#include "system_writer.hpp"
#include "test_system_helpers.hpp"
#include "unwind_systems.hpp"

using namespace kdmp;
using namespace kdmp::testing;
using fixtures::UnwindSystem;

namespace {

void require_frames(const CallStack& stack, const UnwindSystem& sys) {
  INFO("stop reason: " << stack.stop_reason);
  REQUIRE(stack.frames.size() == sys.frames.size());
  for (size_t i = 0; i < sys.frames.size(); ++i) {
    const auto& want = sys.frames[i];
    const StackFrame& got = stack.frames[i];
    INFO("frame " << i << " " << want.name << " " << got.call_site);
    CHECK(got.number == i);
    CHECK(got.instruction_pointer == want.pc);
    CHECK(got.child_sp == want.sp);
    CHECK(std::string(frame_found_name(got.found)) == want.found);
    CHECK(got.trap_frame == want.trap_frame);
    CHECK(got.return_address == (i + 1 < sys.frames.size() ? sys.frames[i + 1].pc : 0));
  }
  CHECK(stack.stop_reason == "return address 0");
  CHECK_FALSE(stack.guessed);
}

}  // namespace

TEST_CASE("x64 unwinding through real UNWIND_INFO: DriverEntry -> StackMiddle -> StackLeaf") {
  const UnwindSystem sys = fixtures::x64_unwind_system(KDMP_STACK_IMAGES_DIR, false);
  Analyzed a(fixtures::build_system_dump(sys.spec).dump);
  REQUIRE(sys.frames.size() == 3);
  require_frames(a.analysis.call_stack, sys);
  const auto& frames = a.analysis.call_stack.frames;
  // The exports name the functions (WinDbg's export symbols): StackLeaf + the fault's offset in it.
  CHECK(frames[0].call_site == "stackdrv!StackLeaf+" + hex(sys.frames[0].pc - sys.driver_base - 0x1010));
  CHECK(frames[1].call_site.rfind("stackdrv!StackMiddle+", 0) == 0);
  CHECK(frames[2].call_site.rfind("stackdrv!DriverEntry+", 0) == 0);
  CHECK(frames[0].symbol->module == "stackdrv");
  // The answer: the fault's address, its module and image, an access-violation bucket.
  const CrashAnswer& answer = a.analysis.answer;
  CHECK(answer.faulting_ip == sys.frames[0].pc);
  CHECK(answer.symbol_name == frames[0].call_site);
  CHECK(answer.module_name == "stackdrv");
  CHECK(answer.image_name == "stackdrv.sys");
  CHECK(answer.image_timestamp == sys.driver_timestamp);
  CHECK(answer.failure_bucket == "AV_stackdrv!StackLeaf");
  REQUIRE(answer.code);
  CHECK(answer.code->instruction == sys.frames[0].pc);
  CHECK(answer.code->address == sys.frames[0].pc - 32);
  CHECK(answer.code->bytes.size() == 64);
  // mov rcx, [rsi]: the instruction at the fault, from the real image.
  CHECK(answer.code->bytes[32] == 0x48);
  CHECK(answer.code->bytes[33] == 0x8b);
  CHECK(answer.code->bytes[34] == 0x0e);
}

TEST_CASE("x64 unwinding crosses KiPageFault's machine frame into the interrupted StackLeaf") {
  const UnwindSystem sys = fixtures::x64_unwind_system(KDMP_STACK_IMAGES_DIR, true);
  Analyzed a(fixtures::build_system_dump(sys.spec).dump);
  REQUIRE(sys.frames.size() == 5);
  CHECK(sys.frames[0].name == "KeBugCheckEx");
  CHECK(sys.frames[2].name == "StackLeaf");
  CHECK(sys.frames[2].found == "trap-frame");
  require_frames(a.analysis.call_stack, sys);
  CHECK(a.analysis.call_stack.frames[0].call_site.rfind("nt!KeBugCheckEx+", 0) == 0);
  CHECK(a.analysis.call_stack.frames[1].call_site.rfind("nt!KiPageFault+", 0) == 0);
  // The trap frame reads back as the interrupted state (.trap).
  std::vector<uint8_t> trap_bytes(*trap_frame_size(0x8664));
  REQUIRE(a.vm->read_virtual_exact(Gva(sys.frames[2].trap_frame), trap_bytes).ok());
  auto trap = decode_trap_frame(trap_bytes, 0x8664, sys.frames[2].trap_frame);
  REQUIRE(trap);
  CHECK(trap->instruction_pointer == sys.frames[2].pc);
  CHECK(trap->stack_pointer == sys.frames[2].sp);
  // The culprit is past the kernel: the first driver frame the unwinder found, and the bucket names it.
  CHECK(a.analysis.culprit.module->name == "stackdrv.sys");
  CHECK(a.analysis.answer.failure_bucket == "AV_stackdrv!StackLeaf");
}

TEST_CASE("x64 unwinding stops at the frame limit and on a loop") {
  const UnwindSystem sys = fixtures::x64_unwind_system(KDMP_STACK_IMAGES_DIR, false);
  auto built = fixtures::build_system_dump(sys.spec);
  Analyzed a(built.dump);
  ModuleUnwindSource unwind(a.vm.get(), a.analysis.modules.modules, a.analysis.symbols, nullptr);
  CallStackOptions two;
  two.max_frames = 2;
  const CallStack limited = walk_call_stack(*a.vm, *a.analysis.context, a.analysis.modules.modules, &unwind, nullptr, two);
  CHECK(limited.frames.size() == 2);
  CHECK(limited.stop_reason == "2 frames");
  // A machine frame that points back at the trap handler's own frame: the same (pc, sp) twice is a loop.
  fixtures::UnwindSystem looped = fixtures::x64_unwind_system(KDMP_STACK_IMAGES_DIR, true);
  const uint64_t rip_slot = looped.frames[2].trap_frame + kKtrapFrameRip;
  auto put = [&](uint64_t va, uint64_t v) {
    std::vector<uint8_t> b(8);
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    looped.spec.bytes.push_back({va, b});
  };
  put(rip_slot, looped.frames[1].pc);
  put(rip_slot + 24, looped.frames[1].sp);
  Analyzed b(fixtures::build_system_dump(looped.spec).dump);
  const CallStack& s = b.analysis.call_stack;
  INFO(s.stop_reason);
  CHECK(s.frames.size() == 2);
  CHECK(s.stop_reason.rfind("loop", 0) == 0);
}

TEST_CASE("x64 unwinding of a 64-frame stack reproduces every frame") {
  const UnwindSystem sys = fixtures::x64_unwind_system(KDMP_STACK_IMAGES_DIR, false, 62);
  Analyzed a(fixtures::build_system_dump(sys.spec).dump);
  REQUIRE(sys.frames.size() == 64);
  require_frames(a.analysis.call_stack, sys);
}
