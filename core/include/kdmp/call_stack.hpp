// The call stack as a debugger's `k` shows it: one frame per function, from the context's instruction pointer to
// the thread's first function. Each step uses the best evidence there is: unwind data from the image (x64
// UNWIND_INFO, ARM64 .pdata/.xdata, x86 frame data from the PDB), crossing trap frames through their machine frames
// (x64: the KTRAP_FRAME's and KEXCEPTION_FRAME's registers too; ARM64: the KTRAP_FRAME of MSFT_OP_TRAP_FRAME); the
// frame-pointer chain (ARM64 fp, x86 ebp, ARM r11) where there is no unwind data; and, when neither applies, the stack scan's probable
// return addresses, labelled as a guess. The walk stops on a loop (a stack pointer that does not grow), a
// non-canonical or unreadable address, a return address of 0, or 256 frames, and says why.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kdmp/context.hpp"
#include "kdmp/modules.hpp"
#include "kdmp/code_symbolizer.hpp"
#include "kdmp/unwind_source.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

enum class FrameFound {
  Context,     // frame 0: the context's own instruction pointer
  Unwind,      // unwind data of the callee's image (a leaf function: the return address at the stack pointer)
  TrapFrame,   // the callee was a trap handler: its machine frame (KTRAP_FRAME) holds the interrupted state
  FrameChain,  // the frame-pointer chain
  Scan,        // a probable return address found by scanning the stack: a guess
};
const char* frame_found_name(FrameFound found);  // "context", "unwind", "trap-frame", "frame-chain", "scan"

struct StackFrame {
  unsigned number = 0;
  uint64_t child_sp = 0;            // the frame's stack pointer (WinDbg's Child-SP)
  uint64_t return_address = 0;      // where the frame returns to: the next frame's pc (0 for the last frame)
  uint64_t instruction_pointer = 0; // the frame's pc: frame 0's faulting instruction, or a return address
  std::string call_site;            // "module!function+0xoff", "module+0xoff", or the bare address
  std::optional<CodeSymbol> symbol;
  FrameFound found = FrameFound::Context;
  uint64_t trap_frame = 0;          // the KTRAP_FRAME this frame came out of (x64, ARM64), 0 if none
};

struct CallStack {
  std::vector<StackFrame> frames;
  std::string stop_reason;  // why the walk ended ("return address 0", "loop: ...", "256 frames", ...)
  bool guessed = false;     // some frames came from the scan
};

struct CallStackOptions {
  size_t max_frames = 256;
  uint64_t scan_bytes = 16 * 1024;  // how far above the last good frame the fallback scan reads
};

// `modules` sorted by base. `unwind` and `symbols` may be null (no unwind data; module+offset names).
CallStack walk_call_stack(VirtualMemory& vm, const Context& context, const std::vector<Module>& modules,
                          UnwindSource* unwind, CodeSymbolizer* symbols, const CallStackOptions& options = {});

// x64 KTRAP_FRAME.Rip (the frame is 0x190 bytes; offsets from NTDDK.H as listed by Geoff Chappell, "KTRAP_FRAME
// (amd64)"): a machine frame's RIP slot is this far into the trap frame. The frame's registers, as WinDbg's `.trap`
// shows them, are decoded by decode_trap_frame (faulting_context.hpp).
inline constexpr uint64_t kKtrapFrameRip = 0x168;
inline constexpr size_t kKtrapFrameSize = 0x190;
// x64 KEXCEPTION_FRAME (0x140 bytes, NTDDK.H; the same in ReactOS's amd64 ketypes.h): Rbp 0xf8, Rbx 0x100, Rdi 0x108,
// Rsi 0x110, R12..R15 0x118..0x130, Return 0x138 (the frame doubles as a call frame: Return is the return address
// of the routine that built it).
inline constexpr size_t kKexceptionFrameSize = 0x140;

}  // namespace kdmp
