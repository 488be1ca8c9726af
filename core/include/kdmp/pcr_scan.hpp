// Finding the processors without a usable KDBG (x64 and x86 full, bitmap and kernel dumps): every KPCR points at
// itself and at its KPRCB, which sits at a fixed place inside it:
//   x64  KPCR.Self @0x18 = the KPCR, KPCR.CurrentPrcb @0x20 = the KPCR + 0x180 (KPCR.Prcb)
//   x86  KPCR.SelfPcr @0x1c = the KPCR, KPCR.Prcb @0x20 = the KPCR + 0x120 (KPCR.PrcbData)
// (vergilius-rs headers for every x64 and x86 build from 5.2 to 10.0.22631). The scan reads the dump's physical
// pages in order and, at each pointer-aligned place whose low 12 bits equal the candidate's own, checks the pair;
// a hit is kept only when the page tables translate its Self back to the physical address it was found at.
//
// Then the crashing processor is the one whose saved processor state (KPRCB.ProcessorState.ContextFrame, written
// by KeBugCheckEx) has the header context's stack and instruction pointers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kdmp/context.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/result.hpp"

namespace kdmp {

struct FoundPcr {
  uint64_t pcr = 0;   // virtual address
  uint64_t prcb = 0;  // KPCR.CurrentPrcb / KPCR.Prcb
  uint64_t gpa = 0;   // where it was found
};

struct PcrScan {
  std::vector<FoundPcr> pcrs;  // in physical order
  uint64_t pages_read = 0;
  bool budget_exhausted = false;  // stopped at max_pages before the end of memory
};

inline constexpr uint64_t kMaxPcrScanPages = 262144;  // 1 GiB of physical memory: bounds the work on large dumps

// Scans at most max_pages present pages and stops once `wanted` KPCRs were found. Unsupported for machines other
// than x64 and x86, and for dumps without physical memory.
Result<PcrScan> scan_for_pcrs(Dump& dump, uint32_t wanted, uint64_t max_pages = kMaxPcrScanPages);

// Where KPRCB.ProcessorState.ContextFrame is, by machine and build (vergilius-rs): x64 0x40 + 0xe0 = 0x120 up to
// 14393 and 0x100 + 0xf0 = 0x1f0 from 15063; x86 0x18 from 7600, 0x1c before.
uint32_t prcb_processor_state_context(uint32_t machine, uint32_t build);

struct PcrMatch {
  size_t index = 0;      // into scan.pcrs
  bool matched = false;  // false: no saved context matched; the first processor is assumed
  std::string how;
};

// The processor whose saved context has the header context's stack pointer and instruction pointer.
Result<PcrMatch> match_crashing_pcr(VirtualMemory& vm, const PcrScan& scan, uint32_t machine, uint32_t build,
                                    const Context& context);

}  // namespace kdmp
