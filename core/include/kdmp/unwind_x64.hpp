// x64 virtual unwinding from UNWIND_INFO (Microsoft's "x64 exception handling"): given the registers of one frame
// and the RUNTIME_FUNCTION covering its instruction pointer, compute the caller's registers, as RtlVirtualUnwind
// does. Every unwind code: UWOP_PUSH_NONVOL, UWOP_ALLOC_LARGE (both forms), UWOP_ALLOC_SMALL, UWOP_SET_FPREG,
// UWOP_SAVE_NONVOL(_FAR), UWOP_SAVE_XMM128(_FAR) (XMM registers are not tracked, the slots are skipped),
// UWOP_PUSH_MACHFRAME (the processor's interrupt frame: a trap handler's caller is the interrupted code), version 2's
// UWOP_EPILOG (skipped: it describes epilogues, not the prologue), and chained UNWIND_INFO (UNW_FLAG_CHAININFO).
// A partially executed prologue applies only the codes whose instruction already ran; an instruction pointer inside
// an epilogue is unwound by running the rest of the epilogue.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include "kdmp/result.hpp"
#include "kdmp/unwind_source.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

// Integer registers in CONTEXT order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15 (the UNWIND_CODE register numbers).
struct X64Registers {
  std::array<uint64_t, 16> gpr{};
  uint64_t rip = 0;
  uint64_t& rsp() { return gpr[4]; }
  uint64_t rsp() const { return gpr[4]; }
};

struct X64UnwindResult {
  // The frame was a trap handler's: the caller's rip and rsp came from a machine frame (UWOP_PUSH_MACHFRAME) at
  // this address (the RIP slot; with an error code, that sits 8 bytes lower). 0 otherwise.
  uint64_t machine_frame = 0;
  bool error_code = false;
};

// UNWIND_INFO flags and limits.
inline constexpr uint8_t kUnwFlagChainInfo = 4;
inline constexpr unsigned kMaxUnwindChain = 32;

// When pc_exact and rip lies inside an epilogue (`add rsp, N` / `lea rsp, [fp + N]`, pops, then `ret` or a `jmp`
// out of the function: the only forms the x64 ABI allows), the caller's registers by running the rest of it, as
// RtlVirtualUnwind does; nothing when rip is not at an epilogue. unwind_x64 calls it first for exact pcs.
Result<std::optional<X64Registers>> simulate_x64_epilogue(UnwindSource& source, VirtualMemory& stack,
                                                          const UnwindEntry& function, const X64Registers& regs,
                                                          unsigned frame_register);

// Unwinds one frame in place: regs holds the callee's registers on entry and the caller's on success. `pc_exact`
// is true for frame 0 and after a machine frame (rip is the instruction that runs next, so a prologue may be
// partly done); false for return addresses (the call site is always past the prologue).
Result<X64UnwindResult> unwind_x64(UnwindSource& source, VirtualMemory& stack, const UnwindEntry& function,
                                   X64Registers& regs, bool pc_exact);

}  // namespace kdmp
