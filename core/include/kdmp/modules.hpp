// Loaded modules: the kernel's drivers (PsLoadedModuleList) and the user-mode modules of the process whose thread
// was running on the crashing processor (its PEB loader list, plus the 32-bit list of a WoW64 process).
//
// Every list is walked defensively: at most 4096 entries, a cycle or a bad entry stops the walk with a warning that
// names the entry, and what was read before it is kept.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/context.hpp"
#include "kdmp/header.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/utf16.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

enum class ModuleKind {
  Kernel,  // PsLoadedModuleList
  User,    // the process's native loader list
  User32,  // the 32-bit loader list of a WoW64 process
};

const char* module_kind_name(ModuleKind kind);  // "kernel", "user", "user32"

struct Module {
  std::string name;  // BaseDllName ("ntoskrnl.exe"), or the last component of the path
  std::string path;  // FullDllName ("\SystemRoot\system32\ntoskrnl.exe")
  uint64_t base = 0;
  uint64_t size = 0;
  uint32_t checksum = 0;   // PE CheckSum; 0 when unknown
  uint32_t timestamp = 0;  // PE TimeDateStamp; 0 when unknown
  ModuleKind kind = ModuleKind::Kernel;

  bool contains(uint64_t address) const { return address >= base && address - base < size; }
};

struct ModuleList {
  std::vector<Module> modules;  // sorted by base
  std::vector<Warning> warnings;
};

// The fields of one loader-entry layout, so the walker is one function for all four.
struct LoaderEntryLayout {
  unsigned pointer_size;
  size_t dll_base, size_of_image, full_dll_name, base_dll_name;
  size_t checksum;    // 0: not in this layout (read from the PE header instead)
  size_t timestamp;   // 0: not in this layout (read from the PE header instead)
  size_t entry_size;  // bytes read per entry
};

// KLDR_DATA_TABLE_ENTRY, Windows 10 and later (TimeDateStamp was added at 0x9c / 0x58 in build 10240; earlier
// kernels keep LoadedImports where user mode keeps TimeDateStamp, so the walker reads the PE header there).
inline constexpr LoaderEntryLayout kKernelEntry64{8, 0x30, 0x40, 0x48, 0x58, 0x78, 0x9c, 0xa0};
inline constexpr LoaderEntryLayout kKernelEntry32{4, 0x18, 0x20, 0x24, 0x2c, 0x40, 0x58, 0x5c};
// LDR_DATA_TABLE_ENTRY (ntdll). Its CheckSum shares a union with HashLinks, so it comes from the PE header.
inline constexpr LoaderEntryLayout kUserEntry64{8, 0x30, 0x40, 0x48, 0x58, 0, 0x80, 0x88};
inline constexpr LoaderEntryLayout kUserEntry32{4, 0x18, 0x20, 0x24, 0x2c, 0, 0x44, 0x48};

inline constexpr size_t kMaxListEntries = 4096;
inline constexpr size_t kMaxNameBytes = 1024;  // UNICODE_STRING Length limit (bytes) we accept

// Walks the LIST_ENTRY at list_head (InLoadOrderLinks is at offset 0 of each entry), appending to out.modules and
// out.warnings. `what` names the list in warnings ("kernel module list"). The result is not sorted.
// Warning codes: module-list-unreadable, module-list-cycle, module-list-too-long, module-list-bad-link,
// module-entry-unreadable, module-entry-bad-string, module-entry-bad-image, module-name-unreadable.
void walk_module_list(VirtualMemory& vm, uint64_t list_head, const LoaderEntryLayout& layout, ModuleKind kind,
                      const std::string& what, ModuleList& out);

// Kernel modules, then the crashing thread's user modules (through the KDBG named by the header), sorted by base.
// More warning codes: module-list-missing, user-modules-unavailable, crashing-processor-unknown.
// A system thread (Teb = 0) simply has no user modules.
ModuleList load_modules(VirtualMemory& vm, const DumpHeader& header, const Context& context);

// One process's user modules, read in its own address space (`vm` walks the process's DirectoryTableBase): its
// PEB's loader list (PEB -> Ldr -> InLoadOrderModuleList, 64-bit on 64-bit kernels), and the 32-bit list of a
// WoW64 process from `peb32` (0: none). The same guards and warnings as every list; `owner` names the process in
// them. Not sorted.
void load_process_modules(VirtualMemory& vm, uint64_t peb, uint64_t peb32, const std::string& owner,
                          ModuleList& out);

// The module containing address, or nullptr. `modules` must be sorted by base (as load_modules returns them).
const Module* find_module(const std::vector<Module>& modules, uint64_t address);

// The file name a path ends with ("\SystemRoot\system32\hal.dll" -> "hal.dll"); the path itself when it has no
// separator. Triage dumps name their drivers by full path only.
std::string path_file_name(std::string_view path);


}  // namespace kdmp
