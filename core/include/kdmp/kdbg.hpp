// KDDEBUGGER_DATA64 ("KDBG"): the kernel's table for debuggers, and what it lets us navigate: the processor blocks
// (KiProcessorBlock) and the thread each processor was running, i.e. the crashing thread.
//
// The same 64-bit layout serves every architecture (wdbgexts.h: "This structure is the same size on all systems"):
// 32-bit kernels store their pointers in the ULONG64 fields too, sign-extended by MSVC, so on 32-bit dumps we keep
// the low 32 bits. Since Windows 8 the live block is encoded (KdpDataBlockEncoded) until a debugger attaches; an
// encoded block has no "KDBG" tag and is reported as such, not guessed at.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "kdmp/address.hpp"
#include "kdmp/context.hpp"
#include "kdmp/result.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

inline constexpr uint32_t kKdbgOwnerTag = 0x4742444b;  // "KDBG"

// Offsets into KDDEBUGGER_DATA64 (wdbgexts.h; the same on x86, x64 and ARM64).
namespace kdbg_offsets {
inline constexpr size_t kOwnerTag = 0x10, kSize = 0x14, kKernBase = 0x18, kPsLoadedModuleList = 0x48,
                        kPsActiveProcessHead = 0x50, kKiProcessorBlock = 0x218, kOffsetKThreadTeb = 0x29a,
                        kOffsetKThreadInitialStack = 0x29e, kOffsetPrcbCurrentThread = 0x2b4,
                        kOffsetPrcbProcStateContext = 0x2bc, kOffsetPrcbContext = 0x338,
                        kKnownEnd = 0x33a;  // end of OffsetPrcbContext, the last field we read
}  // namespace kdbg_offsets

// Fields the block's Size does not cover (older kernels) read as 0, which no caller can mistake for a real value.
struct Kdbg {
  uint64_t address = 0;  // where it was read; 0 when parsed from bytes without one
  uint32_t size = 0;     // Header.Size: the block's length including the header
  uint64_t kern_base = 0;
  uint64_t ps_loaded_module_list = 0;
  uint64_t ps_active_process_head = 0;
  uint64_t ki_processor_block = 0;  // VA of an array of KPRCB pointers, one per processor
  uint16_t offset_kthread_teb = 0;
  uint16_t offset_kthread_initial_stack = 0;
  uint16_t offset_prcb_current_thread = 0;
  uint16_t offset_prcb_proc_state_context = 0;  // CONTEXT embedded in KPRCB.ProcessorState
  uint16_t offset_prcb_context = 0;             // KPRCB.Context: pointer to a CONTEXT (Windows 7 and later)
};

// Decodes a block from bytes (e.g. the decoded copy a triage dump keeps at DebuggerDataOffset). pointer_size is 8
// or 4. `address` is only recorded for messages.
Result<Kdbg> parse_kdbg(std::span<const uint8_t> bytes, unsigned pointer_size, uint64_t address = 0);

// Reads the block at `address` (the header's KdDebuggerDataBlock). An encoded block is an Unsupported error that
// says so: "KDBG at 0x... is encoded or invalid (OwnerTag 0x...)".
Result<Kdbg> read_kdbg(VirtualMemory& vm, Gva address);

// The thread the crashing processor was running. The processor is the one whose saved CONTEXT (KPRCB.Context, or
// the one in KPRCB.ProcessorState) has the header context's stack pointer, else the one whose current thread's
// kernel stack holds that stack pointer, else processor 0 (matched = false).
struct CrashingThread {
  uint32_t processor = 0;
  uint64_t prcb = 0;
  uint64_t thread = 0;  // KTHREAD
  uint64_t teb = 0;     // 0 for a system thread
  bool matched = false;
  std::string how;  // "saved context", "thread stack", or why processor 0 was assumed
};

// Reads at most min(number_processors, 4096) KiProcessorBlock entries.
Result<CrashingThread> find_crashing_thread(VirtualMemory& vm, const Kdbg& kdbg, uint32_t number_processors,
                                            const Context& context);

}  // namespace kdmp
