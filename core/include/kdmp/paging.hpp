// Virtual-to-physical translation: one walker per paging scheme (paging_x64.cpp, paging_arm64.cpp, paging_x86.cpp,
// paging_arm.cpp),
// all reading page tables through a PhysicalReader.
//
// Errors name the virtual address being translated in `where`, and say in the message which level failed, at which
// physical address, with which entry value:
//   NotPresent            the entry at some level does not map anything (the page is paged out, never mapped, ...)
//   PageTablePageMissing  the page holding a table is not in the dump (a kernel dump leaves user tables out)
//   InvalidArgument       the address cannot be translated in this mode (non-canonical, above 4 GiB on x86)
// Other errors of the PhysicalReader (Io, ...) pass through with the level prepended to the message.
#pragma once
#include <cstdint>
#include <optional>

#include "kdmp/address.hpp"
#include "kdmp/header.hpp"
#include "kdmp/physical_reader.hpp"
#include "kdmp/result.hpp"

namespace kdmp {

enum class PagingMode {
  X64,     // 4 levels, 4 KiB / 2 MiB / 1 GiB pages
  Arm64,   // 4 levels, 4 KiB granule, 48-bit VA, 4 KiB pages / 2 MiB and 1 GiB blocks
  X86Pae,  // 3 levels (4-entry PDPT), 4 KiB / 2 MiB pages
  X86,     // 2 levels, 32-bit entries, 4 KiB / 4 MiB pages
  Arm,     // 32-bit ARMv7 short descriptors: 2 levels, 4 KiB / 64 KiB pages, 1 MiB sections, 16 MiB supersections
};

const char* paging_mode_name(PagingMode mode);  // "x64", "arm64", "x86-pae", "x86", "arm"

// The paging scheme of a dump: from MachineImageType, and PaeEnabled for 32-bit dumps.
Result<PagingMode> paging_mode_of(const DumpHeader& header);

inline constexpr uint64_t kPageSize2M = 0x200000;
inline constexpr uint64_t kPageSize4M = 0x400000;
inline constexpr uint64_t kPageSize1G = 0x40000000;

struct Translation {
  Gpa gpa;                   // the physical address of va
  uint64_t page_size = 0;    // 0x1000, 0x10000, 0x100000, 0x200000, 0x400000, 0x1000000 or 0x40000000
  Gva page_base;             // the virtual address where the page starts
  bool writable = false;     // every level allows writes
  bool user = false;         // every level allows user-mode access
  bool executable = false;   // no level forbids execution
  bool transition = false;   // a not-present (transition) PTE that still names its frame: the data may be stale
  int levels_walked = 0;     // entries read, root included

  // The physical address of page_base.
  Gpa page_gpa() const { return Gpa(gpa.value - (gpa.value & (page_size - 1))); }
  bool operator==(const Translation&) const = default;
};

// dtb: the DirectoryTableBase of the dump (CR3 or TTBR, flag and PCID/ASID bits included; each walker masks them).
Result<Translation> translate(PhysicalReader& phys, PagingMode mode, uint64_t dtb, Gva va);

// x64 walks can resume at the last level: `reached` (when given) receives the page table a walk read its PTE from
// and the permissions the three levels above allowed, and translate_x64_in_table reads only that PTE. A cache of
// page tables by 2 MiB of virtual memory (VirtualReader) thus turns a four-entry walk into one.
struct X64PageTable {
  Gpa table;
  bool writable = true, user = true, nx = false;
};
Result<Translation> translate_x64(PhysicalReader& phys, uint64_t cr3, Gva va,
                                  std::optional<X64PageTable>* reached = nullptr);
Result<Translation> translate_x64_in_table(PhysicalReader& phys, const X64PageTable& page_table, Gva va);
Result<Translation> translate_arm64(PhysicalReader& phys, uint64_t ttbr, Gva va);
Result<Translation> translate_x86_pae(PhysicalReader& phys, uint64_t cr3, Gva va);
Result<Translation> translate_x86(PhysicalReader& phys, uint64_t cr3, Gva va);
Result<Translation> translate_arm(PhysicalReader& phys, uint64_t ttbr, Gva va);

}  // namespace kdmp
