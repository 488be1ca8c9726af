// The unwinder against dumps laid out from real images (tests/stack_images, fixtures/unwind_systems.cpp): every
// frame's pc and stack pointer, how it was found, and the trap frame crossed on the way.
#include <catch2/catch.hpp>

#include "kdmp/call_stack.hpp"
#include "kdmp/faulting_context.hpp"
#include "kdmp/module_unwind_source.hpp"
#include "kdmp/native_source.hpp"
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

TEST_CASE("ARM64 unwinding through the real .xdata: DriverEntry -> StackMiddle -> StackLeaf") {
  const UnwindSystem sys = fixtures::arm64_unwind_system(KDMP_STACK_IMAGES_DIR);
  Analyzed a(fixtures::build_system_dump(sys.spec).dump);
  REQUIRE(a.analysis.context);
  CHECK(a.analysis.context->machine == 0xAA64);
  REQUIRE(sys.frames.size() == 3);
  require_frames(a.analysis.call_stack, sys);
  const auto& frames = a.analysis.call_stack.frames;
  CHECK(frames[0].call_site == "stackdrv!StackLeaf+" + hex(sys.frames[0].pc - sys.driver_base - 0x1014));
  CHECK(frames[1].call_site.rfind("stackdrv!StackMiddle+", 0) == 0);
  CHECK(frames[2].call_site.rfind("stackdrv!DriverEntry+", 0) == 0);
  // StackMiddle keeps a frame pointer (add_fp) and an alloca: its Child-SP is below the body's frame, which the
  // unwinder reaches through fp, not by adding the allocation back.
  CHECK(frames[1].child_sp + 0x40 < frames[2].child_sp);
  CHECK(a.analysis.answer.failure_bucket == "AV_stackdrv!StackLeaf");
  CHECK(a.analysis.answer.module_name == "stackdrv");
}

namespace {

// An x86 fixture opened and analyzed with or without the driver's PDB.
struct AnalyzedWith {
  AnalyzedWith(const UnwindSystem& sys, bool with_pdb)
      : dump(open_bytes(fixtures::build_dump(fixtures::build_system_dump(sys.spec).dump))) {
    REQUIRE(dump.ok());
    if (with_pdb) {
      auto pdb = open_file_source(std::string(KDMP_STACK_IMAGES_DIR) + "/x86/stackdrv.pdb", FileReaderKind::File);
      REQUIRE(pdb.ok());
      REQUIRE(files.add("stackdrv.pdb", std::move(pdb).value()).ok());
    }
    AnalysisOptions options;
    options.symbols = &files;
    analysis = analyze(*dump, options);
  }
  SymbolFileSet files;
  Result<Dump> dump;
  Analysis analysis;
};

}  // namespace

TEST_CASE("x86 unwinding with the PDB's frame data: StackFpoAsm -> DriverEntry -> StackMiddle -> StackLeaf -> StackSink") {
  for (bool pae : {true, false}) {
    INFO((pae ? "PAE" : "non-PAE"));
    const UnwindSystem sys = fixtures::x86_unwind_system(KDMP_STACK_IMAGES_DIR, pae);
    AnalyzedWith a(sys, true);
    REQUIRE(a.analysis.context);
    CHECK(a.analysis.context->machine == 0x14c);
    const size_t image = [&] {
      for (size_t i = 0; i < a.analysis.modules.modules.size(); ++i) {
        if (a.analysis.modules.modules[i].name == "stackdrv.sys") return i;
      }
      return size_t{0};
    }();
    REQUIRE(a.analysis.symbols.images.at(image).symbols == SymbolSource::Pdb);
    REQUIRE(a.analysis.symbols.images.at(image).frame_data);
    REQUIRE(sys.frames.size() == 5);
    CHECK(sys.frames[0].name == "StackSink");
    CHECK(sys.frames[4].name == "StackFpoAsm");
    require_frames(a.analysis.call_stack, sys);
    const auto& frames = a.analysis.call_stack.frames;
    CHECK(frames[0].call_site == "stackdrv!StackSink+0x8");
    // StackFpoAsm has only a public (_StackFpoAsm, C-decorated on x86): named as WinDbg names it.
    CHECK(frames[4].call_site.rfind("stackdrv!StackFpoAsm+0x", 0) == 0);
    for (size_t i = 0; i < frames.size(); ++i) {
      INFO(frames[i].call_site);
      CHECK(frames[i].call_site.find(sys.frames[i].name + "+0x") != std::string::npos);
    }
    CHECK(a.analysis.answer.failure_bucket == "AV_stackdrv!StackSink");
  }
}

TEST_CASE("x86 unwinding without the PDB follows the EBP chain, which skips the frameless StackSink's caller") {
  const UnwindSystem sys = fixtures::x86_unwind_system(KDMP_STACK_IMAGES_DIR, true);
  AnalyzedWith a(sys, false);
  const CallStack& s = a.analysis.call_stack;
  INFO(s.stop_reason);
  REQUIRE(s.frames.size() == 4);
  // StackSink keeps no frame, so ebp is still StackLeaf's: the chain's first step lands in StackMiddle. DriverEntry
  // keeps an EBP frame too, so the chain finds StackFpoAsm; StackFpoAsm's caller's ebp (0) ends it.
  const size_t want[] = {0, 2, 3, 4};  // sys.frames: StackSink, (StackLeaf skipped), StackMiddle, DriverEntry, StackFpoAsm
  for (size_t i = 0; i < 4; ++i) {
    INFO("frame " << i << " " << s.frames[i].call_site);
    CHECK(s.frames[i].instruction_pointer == sys.frames[want[i]].pc);
    CHECK(s.frames[i].child_sp == sys.frames[want[i]].sp);
    CHECK(std::string(frame_found_name(s.frames[i].found)) == (i == 0 ? "context" : "frame-chain"));
  }
  CHECK_FALSE(s.guessed);
  CHECK(s.stop_reason == "no frame data and no frame pointer chain above " + s.frames[3].call_site +
                             "; the stack scan found no return address");
}

TEST_CASE("ARM64 unwinding crosses KiDataAbort's KTRAP_FRAME (MSFT_OP_TRAP_FRAME) into the interrupted StackLeaf") {
  const UnwindSystem sys = fixtures::arm64_unwind_system(KDMP_STACK_IMAGES_DIR, true);
  Analyzed a(fixtures::build_system_dump(sys.spec).dump);
  REQUIRE(sys.frames.size() == 5);
  CHECK(sys.frames[0].name == "KeBugCheckEx");
  CHECK(sys.frames[1].name == "KiDataAbort");
  CHECK(sys.frames[2].name == "StackLeaf");
  CHECK(sys.frames[2].found == "trap-frame");
  CHECK(sys.frames[2].trap_frame != 0);
  // The handler's own fp is in the context; StackMiddle's frame is found through the fp the trap frame kept.
  CHECK(a.reg("fp") != a.read_pointer(sys.frames[2].trap_frame + 0x140));
  require_frames(a.analysis.call_stack, sys);
  const auto& frames = a.analysis.call_stack.frames;
  CHECK(frames[0].call_site.rfind("nt!KeBugCheckEx+", 0) == 0);
  CHECK(frames[1].call_site.rfind("nt!KiDataAbort+", 0) == 0);
  CHECK(frames[2].call_site.rfind("stackdrv!StackLeaf+", 0) == 0);
  CHECK(a.analysis.culprit.module->name == "stackdrv.sys");
}

TEST_CASE("x64 exception dispatch: the KEXCEPTION_FRAME's registers lead into the interrupted KiFramedByRbx") {
  const UnwindSystem sys = fixtures::x64_exception_system(KDMP_STACK_IMAGES_DIR);
  Analyzed a(fixtures::build_system_dump(sys.spec).dump);
  REQUIRE(sys.frames.size() == 5);
  // At the bug check rbx is KiExceptionDispatch's scratch (the KEXCEPTION_FRAME's address), not the interrupted
  // function's frame pointer, and no unwind data says where that was saved.
  CHECK(a.reg("rbx") == sys.frames[1].sp);
  require_frames(a.analysis.call_stack, sys);
  const auto& frames = a.analysis.call_stack.frames;
  CHECK(frames[1].call_site.rfind("nt!KiExceptionDispatch+", 0) == 0);
  CHECK(frames[2].call_site.rfind("nt!KiGeneralProtectionFault+", 0) == 0);
  CHECK(frames[3].call_site == "nt!KiFramedByRbx+0x8");
  CHECK(frames[4].call_site.rfind("nt!KiCallFramed+", 0) == 0);
}
