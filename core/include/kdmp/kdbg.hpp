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

// Offsets into KDDEBUGGER_DATA64 (wdbgexts.h of the Debugging Tools; the same on x86, x64 and ARM64). The USHORT
// block from 0x298 (OffsetKThreadNextProcessor) runs without padding up to SizeEThread at 0x2c0; then two UCHARs
// and a ULONG of padding (Windows 10 19H1 names them), three ULONG64s, and the PCR block from SizePcr at 0x2e0.
namespace kdbg_offsets {
inline constexpr size_t kOwnerTag = 0x10, kSize = 0x14, kKernBase = 0x18, kPsLoadedModuleList = 0x48,
                        kPsActiveProcessHead = 0x50, kKiProcessorBlock = 0x218, kOffsetKThreadTeb = 0x29a,
                        kOffsetKThreadInitialStack = 0x29e, kOffsetKThreadApcProcess = 0x2a0,
                        kOffsetKThreadState = 0x2a2, kSizeEProcess = 0x2a8, kOffsetEprocessPeb = 0x2aa,
                        kOffsetEprocessParentCid = 0x2ac, kOffsetEprocessDirectoryTableBase = 0x2ae,
                        kOffsetPrcbCurrentThread = 0x2b4, kOffsetPrcbProcStateContext = 0x2bc,
                        kOffsetPrcbNumber = 0x2be, kSizeEThread = 0x2c0, kOffsetPcrSelfPcr = 0x2e2,
                        kOffsetPcrCurrentPrcb = 0x2e4, kOffsetPcrContainedPrcb = 0x2e6,
                        kOffsetPrcbProcStateSpecialReg = 0x2f2, kOffsetPrcbContext = 0x338,
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
  uint16_t offset_kthread_apc_process = 0;      // KTHREAD.ApcState.Process: the thread's current process
  uint16_t offset_kthread_state = 0;
  uint16_t size_eprocess = 0;
  uint16_t offset_eprocess_peb = 0;
  uint16_t offset_eprocess_parent_cid = 0;  // InheritedFromUniqueProcessId
  uint16_t offset_eprocess_directory_table_base = 0;
  uint16_t offset_prcb_number = 0;
  uint16_t size_ethread = 0;
  uint16_t offset_pcr_self_pcr = 0;
  uint16_t offset_pcr_current_prcb = 0;
  uint16_t offset_pcr_contained_prcb = 0;
  uint16_t offset_prcb_proc_state_special_reg = 0;  // KSPECIAL_REGISTERS in KPRCB.ProcessorState
  // Set when the block was stored encoded and decoded here (kdbg_decode.hpp): the rotation and key that did it.
  bool decoded = false;
  unsigned rotation = 0;
  uint64_t key = 0;
};

// Decodes a block from bytes (e.g. the decoded copy a triage dump keeps at DebuggerDataOffset). pointer_size is 8
// or 4. `address` is only recorded for messages.
Result<Kdbg> parse_kdbg(std::span<const uint8_t> bytes, unsigned pointer_size, uint64_t address = 0);

// What the dump header says that the block also holds, for decoding an encoded block (kdbg_decode.hpp).
struct KdbgPlaintext {
  uint64_t ps_loaded_module_list = 0;
  uint64_t ps_active_process_head = 0;
  uint64_t kern_base = 0;  // 0: not known
};

// Reads the block at `address` (the header's KdDebuggerDataBlock). An encoded block of a 64-bit kernel is decoded
// when `known` gives the plaintext to solve it; otherwise, or when no key fits, it is an Unsupported error that says
// so: "KDBG at 0x... is encoded or invalid (OwnerTag 0x...)".
Result<Kdbg> read_kdbg(VirtualMemory& vm, Gva address, const KdbgPlaintext* known = nullptr);

struct DumpHeader;
// The dump's KDBG: the header's KdDebuggerDataBlock, decoded when stored encoded (the header's PsLoadedModuleList
// and PsActiveProcessHead, and kern_base when the caller knows it, are the known plaintext). An Unsupported error
// when the header names none.
Result<Kdbg> read_dump_kdbg(VirtualMemory& vm, const DumpHeader& header, uint64_t kern_base = 0);

// A header pointer field that was actually written: not zero and not the "PAGE" fill.
bool header_pointer_written(uint64_t value);

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
