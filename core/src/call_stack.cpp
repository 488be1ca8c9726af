#include "kdmp/call_stack.hpp"

#include <array>
#include <set>
#include <utility>

#include "kdmp/le.hpp"
#include "kdmp/stack.hpp"
#include "kdmp/unwind_arm64.hpp"
#include "kdmp/unwind_x64.hpp"
#include "kdmp/unwind_x86.hpp"

namespace kdmp {

namespace {

// 48-bit virtual addresses: bits 63..47 all equal.
bool canonical64(uint64_t va) {
  const uint64_t top = va >> 47;
  return top == 0 || top == 0x1ffff;
}

uint64_t reg(const Context& c, const char* name) { return c.get(name).value_or(0); }

// One walk: frames are appended through push(), which also enforces the limits; the architecture steps decide the
// next (pc, sp).
class Walker {
 public:
  Walker(VirtualMemory& vm, const Context& ctx, const std::vector<Module>& modules, UnwindSource* unwind,
         CodeSymbolizer* symbols, const CallStackOptions& options)
      : vm_(vm), ctx_(ctx), modules_(modules), unwind_(unwind), options_(options), fallback_names_(modules),
        symbols_(symbols ? symbols : &fallback_names_) {}

  CallStack run() {
    switch (ctx_.machine) {
      case 0x8664: walk_x64(); break;
      case 0xAA64: walk_arm64(); break;
      case 0x14c: walk_x86(); break;
      case 0x1c4:
        walk_chain32(ctx_.instruction_pointer ? ctx_.instruction_pointer : reg(ctx_, "pc"),
                     ctx_.stack_pointer ? ctx_.stack_pointer : reg(ctx_, "sp"), reg(ctx_, "r11"));
        break;
      default: out_.stop_reason = "no unwinder for machine " + hex(ctx_.machine); break;
    }
    for (size_t i = 0; i + 1 < out_.frames.size(); ++i) {
      out_.frames[i].return_address = out_.frames[i + 1].instruction_pointer;
    }
    return std::move(out_);
  }

 private:
  bool wide() const { return ctx_.machine == 0x8664 || ctx_.machine == 0xAA64; }

  // Appends a frame; false (with stop_reason set) when the walk must end before it.
  bool push(uint64_t pc, uint64_t sp, FrameFound found, uint64_t trap_frame = 0) {
    if (out_.frames.size() >= options_.max_frames) {
      out_.stop_reason = std::to_string(options_.max_frames) + " frames";
      return false;
    }
    if (pc == 0) {
      out_.stop_reason = out_.frames.empty() ? "the instruction pointer is 0" : "return address 0";
      return false;
    }
    if (wide() ? !canonical64(pc) : pc > 0xffffffffull) {
      out_.stop_reason = "non-canonical address " + hex(pc);
      return false;
    }
    if (!out_.frames.empty()) {
      const StackFrame& last = out_.frames.back();
      // The stack grows down: each caller's frame lies above its callee's. A trap frame may switch stacks, so
      // only a repeated (pc, sp) counts as a loop there.
      if (!seen_.insert({pc, sp}).second || (found != FrameFound::TrapFrame && sp <= last.child_sp)) {
        out_.stop_reason = "loop: the stack pointer " + hex(sp) + " does not grow past " + hex(last.child_sp);
        return false;
      }
    } else {
      seen_.insert({pc, sp});
    }
    StackFrame f;
    f.number = static_cast<unsigned>(out_.frames.size());
    f.child_sp = sp;
    f.instruction_pointer = pc;
    f.found = found;
    f.trap_frame = trap_frame;
    f.symbol = symbols_->symbolize(pc);
    f.call_site = f.symbol ? format_code_symbol(*f.symbol) : hex(pc);
    out_.frames.push_back(std::move(f));
    return true;
  }

  // No unwind data and no frame chain: the probable return addresses above sp, labelled as a guess.
  void scan_from(uint64_t sp, const std::string& why) {
    StackScanOptions o;
    o.max_bytes = options_.scan_bytes;
    // From the context's own frame, its frame record chain (ARM64 fp, ARM r11) marks return addresses too.
    if (out_.frames.size() == 1 && ctx_.frame_pointer != 0) o.frame_pointers.push_back(ctx_.frame_pointer);
    const StackScan scan = scan_stack(vm_, sp, ctx_.machine, modules_, o);
    const unsigned ps = wide() ? 8 : 4;
    bool any = false;
    for (const StackEntry& e : scan.entries) {
      if (!e.probable_return) continue;
      if (!push(e.value, e.stack_address + ps, FrameFound::Scan)) return;
      any = true;
    }
    out_.guessed = any || out_.guessed;
    out_.stop_reason = why + (any ? "; the frames after it are a scan of the stack for return addresses (a guess)"
                                  : "; the stack scan found no return address");
  }

  void walk_x64() {
    X64Registers r;
    static const char* names[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                  "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    for (size_t i = 0; i < 16; ++i) r.gpr[i] = reg(ctx_, names[i]);
    r.rip = ctx_.instruction_pointer;
    r.rsp() = ctx_.stack_pointer;
    FrameFound found = FrameFound::Context;
    uint64_t trap = 0;
    bool exact = true;
    for (;;) {
      if (!push(r.rip, r.rsp(), found, trap)) return;
      const uint64_t lookup = exact ? r.rip : r.rip - 1;  // a return address may follow a call that ends a function
      std::optional<UnwindEntry> f = unwind_ ? unwind_->find_function(lookup) : std::nullopt;
      trap = 0;
      if (f) {
        auto step = unwind_x64(*unwind_, vm_, *f, r, exact);
        if (!step.ok()) return scan_from(r.rsp(), "unwinding " + out_.frames.back().call_site + " failed: " +
                                                      step.error().message);
        exact = step->machine_frame != 0;
        found = exact ? FrameFound::TrapFrame : FrameFound::Unwind;
        if (exact) {
          trap = step->machine_frame - kKtrapFrameRip;  // the RIP slot is KTRAP_FRAME.Rip
          restore_interrupted_registers(r, trap);
        }
      } else if (unwind_ && unwind_->has_unwind_data(lookup)) {
        // A leaf function (no .pdata entry): it moved no stack pointer, its return address is at rsp.
        auto ret = read_pointer(vm_, r.rsp(), 8);
        if (!ret.ok()) {
          out_.stop_reason = "the return address at " + hex(r.rsp()) + " is unreadable: " + ret.error().message;
          return;
        }
        r.rip = *ret;
        r.rsp() += 8;
        exact = false;
        found = FrameFound::Unwind;
      } else {
        return scan_from(r.rsp(), "no unwind data for " + out_.frames.back().call_site);
      }
    }
  }

  // After a trap handler's machine frame, the interrupted code's other registers, as the debugger's `.trap` shows
  // them: rbp and the volatile registers from the KTRAP_FRAME (the handler saved them there; its unwind data only
  // knows rip and rsp), and the nonvolatile ones from the KEXCEPTION_FRAME when the handler passed the exception
  // to KiExceptionDispatch (the frame the handler called is exactly a KEXCEPTION_FRAME: its Return field is that
  // call's return address), whether or not the dispatcher's unwind data describes saving them.
  void restore_interrupted_registers(X64Registers& r, uint64_t trap) {
    std::array<uint8_t, kKtrapFrameSize> t{};
    if (!vm_.read_virtual_exact(Gva(trap), t).ok()) return;
    static constexpr std::pair<unsigned, size_t> kFromTrap[] = {{0, 0x30},  {1, 0x38},  {2, 0x40},  {8, 0x48},
                                                                {9, 0x50},  {10, 0x58}, {11, 0x60}, {5, 0x158}};
    for (const auto& [reg, off] : kFromTrap) r.gpr[reg] = le::u64(t, off);
    if (out_.frames.size() < 2) return;
    const StackFrame& handler = out_.frames.back();
    const StackFrame& dispatcher = out_.frames[out_.frames.size() - 2];
    if (!dispatcher.symbol || dispatcher.symbol->function != "KiExceptionDispatch" ||
        handler.child_sp != dispatcher.child_sp + kKexceptionFrameSize) {
      return;
    }
    std::array<uint8_t, kKexceptionFrameSize> e{};
    if (!vm_.read_virtual_exact(Gva(dispatcher.child_sp), e).ok()) return;
    if (le::u64(e, 0x138) != handler.instruction_pointer) return;  // Return: the call from the handler
    static constexpr std::pair<unsigned, size_t> kFromException[] = {{3, 0x100},  {7, 0x108},  {6, 0x110},
                                                                     {12, 0x118}, {13, 0x120}, {14, 0x128},
                                                                     {15, 0x130}};
    for (const auto& [reg, off] : kFromException) r.gpr[reg] = le::u64(e, off);
  }

  void walk_arm64() {
    Arm64Registers r;
    for (unsigned i = 0; i <= 28; ++i) r.x[i] = reg(ctx_, ("x" + std::to_string(i)).c_str());
    r.x[29] = reg(ctx_, "fp");
    r.x[30] = reg(ctx_, "lr");
    r.sp = ctx_.stack_pointer;
    r.pc = ctx_.instruction_pointer;
    FrameFound found = FrameFound::Context;
    bool exact = true;
    uint64_t trap = 0;
    for (;;) {
      if (!push(r.pc, r.sp, found, trap)) return;
      const uint64_t lookup = exact ? r.pc : r.pc - 4;
      std::optional<UnwindEntry> f = unwind_ ? unwind_->find_function(lookup) : std::nullopt;
      trap = 0;
      if (f) {
        auto step = unwind_arm64(*unwind_, vm_, *f, r, exact);
        if (!step.ok()) return scan_from(r.sp, "unwinding " + out_.frames.back().call_site + " failed: " +
                                                   step.error().message);
        exact = step->machine_frame != 0;
        found = exact ? FrameFound::TrapFrame : FrameFound::Unwind;
        if (step->trap_frame) trap = step->machine_frame;
        continue;
      }
      if (exact && unwind_ && unwind_->has_unwind_data(lookup)) {
        // A leaf without .pdata: it saved nothing, lr holds the return address.
        r.pc = arm64_strip_pac(r.x[30]);
        exact = false;
        found = FrameFound::Unwind;
        continue;
      }
      // The frame record chain: {previous fp, lr} at fp.
      const uint64_t fp = r.x[29];
      std::array<uint8_t, 16> record{};
      if (fp == 0 || fp % 8 != 0 || fp < r.sp || !vm_.read_virtual_exact(Gva(fp), record).ok()) {
        return scan_from(r.sp, "no unwind data and no frame record for " + out_.frames.back().call_site);
      }
      r.x[29] = le::u64(record, 0);
      r.pc = arm64_strip_pac(le::u64(record, 8));
      r.sp = fp + 16;
      exact = false;
      found = FrameFound::FrameChain;
    }
  }

  // x86: the PDB's frame data where the image has it (functions without an EBP frame), else the EBP chain.
  void walk_x86() {
    X86Registers r;
    r.eip = static_cast<uint32_t>(reg(ctx_, "eip"));
    r.esp = static_cast<uint32_t>(reg(ctx_, "esp"));
    r.ebp = static_cast<uint32_t>(reg(ctx_, "ebp"));
    r.ebx = static_cast<uint32_t>(reg(ctx_, "ebx"));
    r.esi = static_cast<uint32_t>(reg(ctx_, "esi"));
    r.edi = static_cast<uint32_t>(reg(ctx_, "edi"));
    r.eax = static_cast<uint32_t>(reg(ctx_, "eax"));
    r.ecx = static_cast<uint32_t>(reg(ctx_, "ecx"));
    r.edx = static_cast<uint32_t>(reg(ctx_, "edx"));
    const IsReturnAddress in_module = [this](uint32_t v) { return find_module(modules_, v) != nullptr; };
    FrameFound found = FrameFound::Context;
    bool exact = true;
    uint32_t callee_params = 0;  // the arguments the frame below was given still lie above this frame's esp
    for (;;) {
      if (!push(r.eip, r.esp, found)) return;
      const uint64_t lookup = exact ? r.eip : r.eip - 1;
      const auto [table, frame] =
          unwind_ ? unwind_->find_x86_frame(lookup) : std::pair<const X86FrameTable*, const X86FrameData*>{};
      exact = false;
      if (frame != nullptr) {
        auto step = unwind_x86(*table, *frame, callee_params, vm_, r, in_module);
        callee_params = frame->params;
        if (!step.ok()) return scan_from(r.esp, "unwinding " + out_.frames.back().call_site + " failed: " +
                                                    step.error().message);
        r = *step;
        found = FrameFound::Unwind;
        continue;
      }
      std::array<uint8_t, 8> record{};
      if (r.ebp == 0 || r.ebp % 4 != 0 || r.ebp < r.esp || !vm_.read_virtual_exact(Gva(r.ebp), record).ok()) {
        return scan_from(r.esp, "no frame data and no frame pointer chain above " + out_.frames.back().call_site);
      }
      r.eip = le::u32(record, 4);
      r.esp = r.ebp + 8;
      r.ebp = le::u32(record, 0);
      callee_params = 0;
      found = FrameFound::FrameChain;
    }
  }

  // 32-bit ARM (r11): {previous frame pointer, return address} at the frame pointer.
  void walk_chain32(uint64_t pc, uint64_t sp, uint64_t bp) {
    FrameFound found = FrameFound::Context;
    for (;;) {
      if (!push(pc, sp, found)) return;
      std::array<uint8_t, 8> record{};
      if (bp == 0 || bp % 4 != 0 || bp < sp || !vm_.read_virtual_exact(Gva(bp), record).ok()) {
        return scan_from(sp, "no frame pointer chain above " + out_.frames.back().call_site);
      }
      pc = le::u32(record, 4);
      sp = bp + 8;
      bp = le::u32(record, 0);
      found = FrameFound::FrameChain;
    }
  }

  VirtualMemory& vm_;
  const Context& ctx_;
  const std::vector<Module>& modules_;
  UnwindSource* unwind_;
  CallStackOptions options_;
  ModuleCodeSymbolizer fallback_names_;
  CodeSymbolizer* symbols_;
  std::set<std::pair<uint64_t, uint64_t>> seen_;
  CallStack out_;
};

}  // namespace

const char* frame_found_name(FrameFound found) {
  switch (found) {
    case FrameFound::Context: return "context";
    case FrameFound::Unwind: return "unwind";
    case FrameFound::TrapFrame: return "trap-frame";
    case FrameFound::FrameChain: return "frame-chain";
    case FrameFound::Scan: return "scan";
  }
  return "unknown";
}

CallStack walk_call_stack(VirtualMemory& vm, const Context& context, const std::vector<Module>& modules,
                          UnwindSource* unwind, CodeSymbolizer* symbols, const CallStackOptions& options) {
  return Walker(vm, context, modules, unwind, symbols, options).run();
}

}  // namespace kdmp
