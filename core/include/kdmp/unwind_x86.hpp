// x86 virtual unwinding from PDB frame data (frame_data.hpp), as the debugger does for functions compiled with
// frame pointer omission:
// - new FPO: the record's program, a postfix expression over registers and temporaries ("$T0 $ebp 4 + = $eip $T0 ^
//   = $esp $T0 4 + ="): operators + - * / % (binary), @ (align down: a b @ = a & ~(b - 1)), ^ (read the 32-bit
//   value at an address), = (assign); operands are decimal numbers, registers ($eip $esp $ebp $ebx $esi $edi $eax
//   $ecx $edx), temporaries ($T0...), and the record's .cbLocals .cbParams .cbSavedRegs .cbProlog and .raSearch
//   (where the return address lies: searched from esp + the callee's parameters + locals + saved registers, as DIA
//   and Breakpad do: a caller's esp still covers the arguments it pushed for its callee);
// - old FPO (FPO_DATA): an EBP frame when fUseBP, else the return address above the locals and saved registers.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>

#include "kdmp/frame_data.hpp"
#include "kdmp/result.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

struct X86Registers {
  uint32_t eip = 0, esp = 0, ebp = 0, ebx = 0, esi = 0, edi = 0, eax = 0, ecx = 0, edx = 0;
};

// Whether a value may be a return address (it points into a loaded module's code): .raSearch skips what is not.
using IsReturnAddress = std::function<bool(uint32_t)>;

// How many 32-bit slots .raSearch looks at from its start before giving up.
inline constexpr unsigned kRaSearchSlots = 40;

// Runs a program against the callee's registers; the result is the caller's (registers the program does not assign
// keep their values). Errors: a malformed program (unknown token, stack underflow, division by 0, more than 256
// tokens), an unreadable address, no return address found, or no $eip / $esp assigned.
// callee_params: the parameter bytes of the function this frame called (its frame data's ParamsSize), 0 for the
// context's own frame.
Result<X86Registers> run_fpo_program(std::string_view program, const X86Registers& callee, const X86FrameData& frame,
                                     uint32_t callee_params, VirtualMemory& stack, const IsReturnAddress& is_return);

// One step through either kind of record: the caller's registers.
Result<X86Registers> unwind_x86(const X86FrameTable& table, const X86FrameData& frame, uint32_t callee_params,
                                VirtualMemory& stack, const X86Registers& callee, const IsReturnAddress& is_return);

}  // namespace kdmp
