// ARM64 virtual unwinding from Windows' .pdata/.xdata (Microsoft's "ARM64 exception handling"): the .xdata record's
// unwind codes (alloc_s/m/l, save_r19r20_x, save_fplr(_x), save_regp(_x), save_reg(_x), save_lrpair,
// save_fregp(_x), save_freg(_x), set_fp, add_fp, save_next, nop, end, end_c, pac_sign_lr, MSFT_OP_TRAP_FRAME (a
// KTRAP_FRAME: crossing from an exception handler into the interrupted code), MSFT_OP_MACHINE_FRAME, MSFT_OP_CONTEXT), and packed records, which are expanded into the same codes (the canonical prologue the
// documentation describes for Flag/RegI/RegF/H/CR/FrameSize). A partly executed prologue applies only the codes
// whose instruction already ran. Epilogue scopes are not simulated: a pc inside an epilogue unwinds as the body.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "kdmp/result.hpp"
#include "kdmp/unwind_source.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

struct Arm64Registers {
  std::array<uint64_t, 31> x{};  // x0..x28, fp (x29), lr (x30)
  uint64_t sp = 0;
  uint64_t pc = 0;
};

struct Arm64UnwindResult {
  // Where MSFT_OP_TRAP_FRAME / MSFT_OP_MACHINE_FRAME / MSFT_OP_CONTEXT found the interrupted state; 0 if none.
  uint64_t machine_frame = 0;
  bool trap_frame = false;  // it was a KTRAP_FRAME (MSFT_OP_TRAP_FRAME)
};

// The packed record's prologue as .xdata unwind codes (in unwind order, ending with `end`), or an error for the
// combinations the documentation leaves undefined (CR=1 with RegI=1).
Result<std::vector<uint8_t>> arm64_packed_codes(uint32_t packed);

// Unwinds one frame in place (see unwind_x64 for pc_exact).
Result<Arm64UnwindResult> unwind_arm64(UnwindSource& source, VirtualMemory& stack, const UnwindEntry& function,
                                       Arm64Registers& regs, bool pc_exact);

// ARM64 pointer authentication: a signed return address carries a code in its top bits. Windows uses 48-bit
// virtual addresses, so bit 55 tells kernel (all ones above bit 47) from user (all zeros).
uint64_t arm64_strip_pac(uint64_t address);

}  // namespace kdmp
