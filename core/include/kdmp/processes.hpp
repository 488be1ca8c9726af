// Processes and threads: who crashed (the crashing processor, thread and process, in every kind of dump) and every
// process of a full or kernel dump (PsActiveProcessHead), with their threads.
//
// Structure offsets come from KernelOffsets (kernel_offsets.hpp): the KDBG's own fields, the built-in table,
// discovery, and later the kernel's PDB. A field no source knows is simply not reported (null in the JSON).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kdmp/context.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/header.hpp"
#include "kdmp/kdbg.hpp"
#include "kdmp/kernel_offsets.hpp"
#include "kdmp/modules.hpp"
#include "kdmp/triage.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

struct ThreadInfo {
  uint64_t address = 0;  // ETHREAD
  std::optional<uint64_t> tid;
  std::optional<uint32_t> state;  // KTHREAD_STATE: 0 Initialized, 1 Ready, 2 Running, 3 Standby, 4 Terminated,
                                  // 5 Waiting, 6 Transition, 7 DeferredReady, 8 GateWaitObsolete, 9 WaitingForProcessInSwap
  std::optional<uint64_t> start_address;
  std::optional<uint64_t> win32_start_address;
  std::optional<uint64_t> teb;
};

const char* thread_state_name(uint32_t state);  // "running", "waiting", ...; "" when unknown

struct ProcessInfo {
  uint64_t address = 0;  // EPROCESS
  std::optional<uint64_t> pid;
  std::optional<uint64_t> parent_pid;
  std::string name;        // ImageFileName (at most 15 bytes, as the kernel keeps it)
  std::string image_path;  // the full image path, when its pages are in the dump
  std::optional<uint64_t> create_time, exit_time;  // FILETIME
  std::optional<uint32_t> session_id;
  std::optional<uint64_t> directory_table_base, user_directory_table_base, peb;
  std::optional<bool> wow64;
  std::optional<uint32_t> active_threads;  // EPROCESS.ActiveThreads
  std::vector<ThreadInfo> threads;          // walked from ThreadListHead
  uint64_t wow64_process = 0;               // EPROCESS.WoW64Process: its first pointer is the 32-bit PEB
  // The user modules of its PEB's loader list (and WoW64's 32-bit list), read with its own DirectoryTableBase,
  // sorted by base; what stopped that reading is in module_warnings (not in the report's warnings: a kernel dump
  // has no user pages, and each process would say so).
  std::vector<Module> modules;
  std::vector<Warning> module_warnings;
};

// The crashing processor, thread and process.
struct CrashingProcess {
  std::optional<uint32_t> cpu;   // KPRCB.Number, else the processor's index
  std::optional<uint8_t> irql;   // KPCR.Irql, else the bug check's IRQL parameter
  std::string irql_source;       // "KPCR.Irql", "bug check parameter 2"
  uint64_t prcb = 0;             // 0: unknown (a triage dump keeps a copy whose address it does not say)
  uint64_t thread = 0;           // ETHREAD
  std::optional<uint64_t> tid;
  uint64_t process = 0;          // EPROCESS
  std::optional<uint64_t> pid;
  std::string process_name;
  std::string how;  // how the processor was found: "KiProcessorBlock (saved context)", "triage copies", ...
};

struct ProcessReport {
  std::optional<CrashingProcess> crashing;
  bool has_process_list = false;  // false for triage dumps (they keep no process list)
  std::vector<ProcessInfo> processes;
  KernelOffsets offsets;
  std::vector<Warning> warnings;
};

inline constexpr size_t kMaxProcesses = 65536;
inline constexpr size_t kMaxThreadsPerProcess = 16384;
inline constexpr size_t kMaxThreadsTotal = 262144;  // bounds time and memory on hostile lists
inline constexpr size_t kMaxProcessModulesTotal = 262144;  // user modules over all processes

// Walks PsActiveProcessHead (guards as for module lists: cycles, bad links, unreadable entries keep what was read
// and warn). Warning codes: process-list-unreadable, process-list-cycle, process-list-too-long,
// process-list-bad-link, process-entry-unreadable, thread-list-cycle, thread-list-bad-link, thread-list-too-long.
void walk_processes(VirtualMemory& vm, uint64_t head, const KernelOffsets& offsets, ProcessReport& out);

// Each walked process's user modules (ProcessInfo::modules), each in its own address space from the dump.
void load_processes_modules(Dump& dump, ProcessReport& report);

// Everything above for an opened dump and its virtual memory; `context` is the crashing CPU's registers, when there
// are any. Triage dumps: the crashing thread and process from the saved copies (no process list). More warning
// codes: crashing-thread-unknown, process-offsets-unknown, offset-discovery-failed, offsets-contradicted.
// `pdb`: the kernel PDB's offsets (module_symbols.hpp), asked before every other source; null when not loaded.
ProcessReport load_processes(Dump& dump, VirtualMemory& vm, const Context* context,
                             const OffsetSource* pdb = nullptr);

}  // namespace kdmp
