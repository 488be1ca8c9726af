// Offsets found by looking at the dump's memory, without symbols (the way MemProcFS does it):
// - EPROCESS.ActiveProcessLinks, UniqueProcessId and ImageFileName from the System process, the first entry of
//   PsActiveProcessHead: its UniqueProcessId (4) sits right before its ActiveProcessLinks, its KPROCESS starts with
//   a process dispatcher header (Type 3) and holds the kernel's DirectoryTableBase, its ImageFileName reads
//   "System", and the next process's name at the same offset is a printable name too.
// - EPROCESS.ThreadListHead / ETHREAD.ThreadListEntry and ETHREAD.Cid from the crashing thread and its process: the
//   list in the process that leads to the thread and back, and the CLIENT_ID holding the process's PID.
// Discovery only answers fields the caller does not already know.
#pragma once
#include <cstdint>
#include <vector>

#include "kdmp/kernel_offsets.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

struct DiscoveryInput {
  uint64_t process_head = 0;      // PsActiveProcessHead; 0: no process list
  uint64_t kernel_dtb = 0;        // the header's DirectoryTableBase, flag bits masked
  uint64_t crashing_thread = 0;   // KTHREAD; 0: unknown
  uint64_t crashing_process = 0;  // EPROCESS; 0: unknown
};

struct Discovered {
  OffsetMap offsets{OffsetOrigin::Discovery, "discovery: the System process and the crashing thread in memory"};
  // The known process-list triple did not match memory (System is not PID 4 named "System" there) and discovery
  // found one that does: it replaces the known one.
  bool replaces_process_triple = false;
};

// `known` holds what higher-priority sources gave (used, e.g., for KPROCESS.DirectoryTableBase and the PID).
Discovered discover_offsets(VirtualMemory& vm, const DiscoveryInput& input, const KernelOffsets& known,
                            std::vector<Warning>& warnings);

// Re-resolves with discovery added at the lowest priority, except that the process-list triple
// (ActiveProcessLinks, UniqueProcessId, ImageFileName) that discovery checked against memory replaces a table
// triple that memory contradicts (with a warning). Pairs that only work together (ThreadListHead and
// ThreadListEntry) always come from one source.
KernelOffsets resolve_with_discovery(std::span<const OffsetSource* const> sources, const Discovered& discovered);

}  // namespace kdmp
