// The table's rows. Every value here was read from a public source named on its row; a field a source did not
// confirm is left out (the KDBG's fields and discovery fill it), never guessed.
//
// Sources:
//  [ntdiff]   ntdiff/headers on GitHub: C headers generated from Microsoft's public PDBs, e.g.
//             Win10_2004_20H1/x64/System32/ntdll.dll/Standalone/_EPROCESS.h and
//             Win11_2409_24H2/x64/System32/ntdll.dll/Standalone/_EPROCESS.h (the same _EPROCESS/_KPROCESS/_ETHREAD
//             types as ntoskrnl's PDB).
//  [formats]  /work/shared/formats.md "EPROCESS offsets by build (x64)": UniqueProcessId, ActiveProcessLinks, Peb,
//             ImageFileName per build, gathered from Vergilius Project pages (vergiliusproject.com/kernels/x64/...).
//  [wrk]      The architecture's KPCR/KPRCB heads, unchanged since Windows 7: x64 KPCR.Irql @0x50 and the KPRCB
//             @0x180 (KPCR.Prcb), KPRCB.CurrentThread @0x8, KPRCB.Number @0x24; x86 KPCR.Irql @0x24, KPRCB
//             @0x120 (PrcbData), KPRCB.CurrentThread @0x4; ARM64 KPCR.CurrentIrql @0x38, KPRCB @0x980,
//             KPRCB.CurrentThread @0x8, KPRCB.Number @0x24 (formats.md "KPCR, current thread, process"); KPROCESS
//             DirectoryTableBase follows DISPATCHER_HEADER and ProfileListHead: 0x28 on 64-bit kernels, 0x18 on x86.
// Unverified (marked on their rows): Windows 11 21H2-23H2 (22000-22631) x64 are believed to keep the 19041
// layout of the four fields formats.md lists; nothing else of theirs is in the table.
// Not in the table at all: ARM64, ARM32 and x86 builds other than Windows 7 SP1 (their EPROCESS/ETHREAD come from
// the KDBG and discovery).
#include "kdmp/offset_table.hpp"

#include <initializer_list>
#include <utility>

namespace kdmp {

struct TableOffsets::Row {
  uint32_t machine;
  uint32_t first_build, last_build;
  const char* name;
  bool verified;
  std::initializer_list<std::pair<KernelField, uint32_t>> fields;
};

namespace {

using F = KernelField;
constexpr uint32_t kAmd64 = 0x8664, kArm64 = 0xAA64, kI386 = 0x14c;

const TableOffsets::Row kRows[] = {
    // [ntdiff-w7x86] A PDB-derived header of Windows 7 SP1 x86 _EPROCESS (size 0x2c0, the size Geoff Chappell's
    // EPROCESS page gives for 6.1 x86), found in the search tool's code index.
    {kI386, 7600, 7601, "Windows 7 SP1 x86", true,
     {{F::ProcessCreateTime, 0xa0}, {F::ProcessExitTime, 0xa8}, {F::ProcessUniqueProcessId, 0xb4},
      {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessInheritedFromUniqueProcessId, 0x140},
      {F::ProcessSessionId, 0x168}, {F::ProcessImageFileName, 0x16c}, {F::ProcessThreadListHead, 0x188},
      {F::ProcessActiveThreads, 0x198}, {F::ProcessPeb, 0x1a8}, {F::ProcessImagePath, 0x1ec}}},
    // [formats]
    {kAmd64, 7600, 7601, "Windows 7 SP1 x64", true,
     {{F::ProcessUniqueProcessId, 0x180}, {F::ProcessActiveProcessLinks, 0x188}, {F::ProcessPeb, 0x338},
      {F::ProcessImageFileName, 0x2e0}}},
    {kAmd64, 9200, 9600, "Windows 8 / 8.1 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e0}, {F::ProcessActiveProcessLinks, 0x2e8}, {F::ProcessPeb, 0x3e8},
      {F::ProcessImageFileName, 0x438}}},
    {kAmd64, 10240, 10240, "Windows 10 1507 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e8}, {F::ProcessActiveProcessLinks, 0x2f0}, {F::ProcessPeb, 0x3f8},
      {F::ProcessImageFileName, 0x448}}},
    {kAmd64, 10586, 14393, "Windows 10 1511-1607 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e8}, {F::ProcessActiveProcessLinks, 0x2f0}, {F::ProcessPeb, 0x3f8},
      {F::ProcessImageFileName, 0x450}}},
    {kAmd64, 15063, 17763, "Windows 10 1703-1809 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e0}, {F::ProcessActiveProcessLinks, 0x2e8}, {F::ProcessPeb, 0x3f8},
      {F::ProcessImageFileName, 0x450}}},
    {kAmd64, 18362, 18363, "Windows 10 1903-1909 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e8}, {F::ProcessActiveProcessLinks, 0x2f0}, {F::ProcessPeb, 0x3f8},
      {F::ProcessImageFileName, 0x450}}},
    // [ntdiff] Win10_2004_20H1 x64: _KPROCESS, _EPROCESS, _ETHREAD (2004 to 22H2 share the kernel's layout).
    {kAmd64, 19041, 19045, "Windows 10 2004-22H2 x64", true,
     {{F::ProcessUserDirectoryTableBase, 0x388}, {F::ProcessUniqueProcessId, 0x440},
      {F::ProcessActiveProcessLinks, 0x448}, {F::ProcessCreateTime, 0x468}, {F::ProcessExitTime, 0x840},
      {F::ProcessInheritedFromUniqueProcessId, 0x540}, {F::ProcessPeb, 0x550}, {F::ProcessSessionId, 0x558},
      {F::ProcessWow64Process, 0x580}, {F::ProcessImageFileName, 0x5a8}, {F::ProcessImagePath, 0x5c0},
      {F::ProcessThreadListHead, 0x5e0}, {F::ProcessActiveThreads, 0x5f0}, {F::ThreadStartAddress, 0x450},
      {F::ThreadCid, 0x478}, {F::ThreadWin32StartAddress, 0x4d0}, {F::ThreadListEntry, 0x4e8}}},
    // Unverified: believed to match 19041 for these four fields.
    {kAmd64, 22000, 22631, "Windows 11 21H2-23H2 x64 (unverified)", false,
     {{F::ProcessUniqueProcessId, 0x440}, {F::ProcessActiveProcessLinks, 0x448}, {F::ProcessPeb, 0x550},
      {F::ProcessImageFileName, 0x5a8}}},
    // [ntdiff] Win11_2409_24H2 x64 _EPROCESS. Session points at a PSP_SESSION_SPACE there: left out.
    {kAmd64, 26100, 26100, "Windows 11 24H2 x64", true,
     {{F::ProcessUniqueProcessId, 0x1d0}, {F::ProcessActiveProcessLinks, 0x1d8}, {F::ProcessCreateTime, 0x1f8},
      {F::ProcessExitTime, 0x5c0}, {F::ProcessInheritedFromUniqueProcessId, 0x2d0}, {F::ProcessPeb, 0x2e0},
      {F::ProcessWow64Process, 0x310}, {F::ProcessImageFileName, 0x338}, {F::ProcessImagePath, 0x350},
      {F::ProcessThreadListHead, 0x370}, {F::ProcessActiveThreads, 0x380}}},
};

// [wrk] What every build of an architecture shares.
std::optional<uint32_t> architecture_constant(uint32_t machine, KernelField field) {
  switch (machine) {
    case kAmd64:
      switch (field) {
        case F::ProcessDirectoryTableBase: return 0x28;
        case F::PcrIrql: return 0x50;
        case F::PcrPrcb: return 0x180;
        case F::PrcbCurrentThread: return 0x8;
        case F::PrcbNumber: return 0x24;
        default: return std::nullopt;
      }
    case kArm64:
      switch (field) {
        case F::ProcessDirectoryTableBase: return 0x28;
        case F::PcrIrql: return 0x38;
        case F::PcrPrcb: return 0x980;
        case F::PrcbCurrentThread: return 0x8;
        case F::PrcbNumber: return 0x24;
        default: return std::nullopt;
      }
    case kI386:
      switch (field) {
        case F::ProcessDirectoryTableBase: return 0x18;
        case F::PcrIrql: return 0x24;
        case F::PcrPrcb: return 0x120;
        case F::PrcbCurrentThread: return 0x4;
        default: return std::nullopt;
      }
    default: return std::nullopt;
  }
}

}  // namespace

TableOffsets::TableOffsets(uint32_t machine, uint32_t build) : machine_(machine) {
  for (const Row& r : kRows) {
    if (r.machine == machine && build >= r.first_build && build <= r.last_build) {
      row_ = &r;
      break;
    }
  }
}

std::optional<uint32_t> TableOffsets::offset(KernelField field) const {
  if (row_ != nullptr) {
    for (const auto& [f, off] : row_->fields) {
      if (f == field) return off;
    }
  }
  return architecture_constant(machine_, field);
}

std::string TableOffsets::description() const {
  if (row_ == nullptr) return "table: the architecture's KPCR/KPRCB/KPROCESS constants";
  return std::string("table: ") + row_->name;
}

}  // namespace kdmp
