// The table's rows. Every value here was read from a public source named on its row; a field a source did not
// confirm is left out (the KDBG's fields and discovery fill it), never guessed.
//
// Sources:
//  [vergilius-rs] novafacing/vergilius-rs on GitHub, headers/bindings-<build>-<x86|x64>.h: C headers generated from
//             the Vergilius Project's pages (vergiliusproject.com/kernels/...), which are read from Microsoft's public
//             kernel PDBs, one per build and architecture, every member with "// offset: 0x...". Each row names the
//             builds it was read from; where several service builds of one release are listed they agree on every
//             field of the row. ThreadApcProcess is KTHREAD.ApcState + KAPC_STATE.Process; ProcessImagePath is
//             EPROCESS.SeAuditProcessCreationInfo (its ImageFileName is at +0); ProcessSessionId is EPROCESS.Session.
//  [ntdiff]   ntdiff/headers on GitHub: C headers generated from Microsoft's public PDBs, e.g.
//             Win11_2409_24H2/x64/System32/ntdll.dll/Standalone/_EPROCESS.h (the same _EPROCESS/_KPROCESS/_ETHREAD
//             types as ntoskrnl's PDB).
//  [wrk]      The architecture's KPCR/KPRCB heads, unchanged since Windows 7: x64 KPCR.Irql @0x50 and the KPRCB
//             @0x180 (KPCR.Prcb), KPRCB.CurrentThread @0x8, KPRCB.Number @0x24; x86 KPCR.Irql @0x24, KPRCB
//             @0x120 (PrcbData), KPRCB.CurrentThread @0x4; ARM64 KPCR.CurrentIrql @0x38, KPRCB @0x980,
//             KPRCB.CurrentThread @0x8, KPRCB.Number @0x24 (formats.md "KPCR, current thread, process"); KPROCESS
//             DirectoryTableBase follows DISPATCHER_HEADER and ProfileListHead: 0x28 on 64-bit kernels, 0x18 on x86
//             (the vergilius-rs headers agree for every x86 and x64 build they have).
// Inferred (said on their rows): 18363 (Windows 10 1909) is 1903's kernel with an enablement package, so it takes the
// 18362 row; 19042-19044 take the 19041/19045 row both ends of which were read.
// ARM64: only the Insider build 19569 [ntdiff-arm64]; released ARM64 builds and every 32-bit ARM build have no row
// (no public per-build type dump of their kernels was found): their EPROCESS/ETHREAD come from the kernel's PDB,
// the KDBG and discovery. Nor have x64/x86 builds other than those listed (e.g. Server 2022's 20348).
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
    // [vergilius-rs] 5.1.2600.5512.
    {kI386, 2600, 2600, "Windows XP SP3 x86", true,
     {{F::ProcessUniqueProcessId, 0x84}, {F::ProcessActiveProcessLinks, 0x88}, {F::ProcessCreateTime, 0x70},
      {F::ProcessExitTime, 0x78}, {F::ProcessInheritedFromUniqueProcessId, 0x14c}, {F::ProcessPeb, 0x1b0},
      {F::ProcessSessionId, 0x170}, {F::ProcessImageFileName, 0x174}, {F::ProcessImagePath, 0x1f4},
      {F::ProcessThreadListHead, 0x190}, {F::ProcessActiveThreads, 0x1a0}, {F::ThreadState, 0x2d},
      {F::ThreadTeb, 0x20}, {F::ThreadApcProcess, 0x44}, {F::ThreadCid, 0x1ec}, {F::ThreadStartAddress, 0x224},
      {F::ThreadWin32StartAddress, 0x228}, {F::ThreadListEntry, 0x22c}}},
    // [vergilius-rs] 5.2.3790.3959.
    {kI386, 3790, 3790, "Windows Server 2003 SP2 x86", true,
     {{F::ProcessUniqueProcessId, 0x94}, {F::ProcessActiveProcessLinks, 0x98}, {F::ProcessCreateTime, 0x80},
      {F::ProcessExitTime, 0x88}, {F::ProcessInheritedFromUniqueProcessId, 0x138}, {F::ProcessPeb, 0x1a0},
      {F::ProcessSessionId, 0x160}, {F::ProcessImageFileName, 0x164}, {F::ProcessImagePath, 0x1e4},
      {F::ProcessThreadListHead, 0x180}, {F::ProcessActiveThreads, 0x190}, {F::ThreadState, 0x4c},
      {F::ThreadTeb, 0x74}, {F::ThreadApcProcess, 0x38}, {F::ThreadCid, 0x1e4}, {F::ThreadStartAddress, 0x21c},
      {F::ThreadWin32StartAddress, 0x220}, {F::ThreadListEntry, 0x224}}},
    // [vergilius-rs] 6.0.6000.16386, 6.0.6001.18000, 6.0.6002.18005.
    {kI386, 6000, 6002, "Windows Vista / Server 2008 x86", true,
     {{F::ProcessUniqueProcessId, 0x9c}, {F::ProcessActiveProcessLinks, 0xa0}, {F::ProcessCreateTime, 0x88},
      {F::ProcessExitTime, 0x90}, {F::ProcessInheritedFromUniqueProcessId, 0x124}, {F::ProcessPeb, 0x188},
      {F::ProcessSessionId, 0x148}, {F::ProcessImageFileName, 0x14c}, {F::ProcessImagePath, 0x1cc},
      {F::ProcessThreadListHead, 0x168}, {F::ProcessActiveThreads, 0x178}, {F::ThreadState, 0x5c},
      {F::ThreadTeb, 0x84}, {F::ThreadApcProcess, 0x48}, {F::ThreadCid, 0x20c}, {F::ThreadStartAddress, 0x1f8},
      {F::ThreadWin32StartAddress, 0x240}, {F::ThreadListEntry, 0x248}}},
    // [vergilius-rs] 6.1.7600.16385, 6.1.7601.17514.
    {kI386, 7600, 7601, "Windows 7 / Server 2008 R2 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xa0},
      {F::ProcessExitTime, 0xa8}, {F::ProcessInheritedFromUniqueProcessId, 0x140}, {F::ProcessPeb, 0x1a8},
      {F::ProcessSessionId, 0x168}, {F::ProcessImageFileName, 0x16c}, {F::ProcessImagePath, 0x1ec},
      {F::ProcessThreadListHead, 0x188}, {F::ProcessActiveThreads, 0x198}, {F::ThreadState, 0x68},
      {F::ThreadTeb, 0x88}, {F::ThreadApcProcess, 0x50}, {F::ThreadCid, 0x22c}, {F::ThreadStartAddress, 0x218},
      {F::ThreadWin32StartAddress, 0x260}, {F::ThreadListEntry, 0x268}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 6.2.9200.16384.
    {kI386, 9200, 9200, "Windows 8 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xa8},
      {F::ProcessExitTime, 0x2b8}, {F::ProcessInheritedFromUniqueProcessId, 0x134}, {F::ProcessPeb, 0x140},
      {F::ProcessSessionId, 0x144}, {F::ProcessImageFileName, 0x170}, {F::ProcessImagePath, 0x184},
      {F::ProcessThreadListHead, 0x194}, {F::ProcessActiveThreads, 0x19c}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x214}, {F::ThreadStartAddress, 0x200},
      {F::ThreadWin32StartAddress, 0x244}, {F::ThreadListEntry, 0x24c}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 6.3.9600.16384.
    {kI386, 9600, 9600, "Windows 8.1 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xa8},
      {F::ProcessExitTime, 0x2b0}, {F::ProcessInheritedFromUniqueProcessId, 0x134}, {F::ProcessPeb, 0x140},
      {F::ProcessSessionId, 0x144}, {F::ProcessImageFileName, 0x170}, {F::ProcessImagePath, 0x184},
      {F::ProcessThreadListHead, 0x194}, {F::ProcessActiveThreads, 0x19c}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x364}, {F::ThreadStartAddress, 0x350},
      {F::ThreadWin32StartAddress, 0x394}, {F::ThreadListEntry, 0x39c}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 10.0.10240.16384.
    {kI386, 10240, 10240, "Windows 10 1507 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xc8},
      {F::ProcessExitTime, 0x2c0}, {F::ProcessInheritedFromUniqueProcessId, 0x138}, {F::ProcessPeb, 0x144},
      {F::ProcessSessionId, 0x148}, {F::ProcessImageFileName, 0x170}, {F::ProcessImagePath, 0x184},
      {F::ProcessThreadListHead, 0x194}, {F::ProcessActiveThreads, 0x19c}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x374}, {F::ThreadStartAddress, 0x360},
      {F::ThreadWin32StartAddress, 0x3a4}, {F::ThreadListEntry, 0x3ac}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 10.0.10586.0.
    {kI386, 10586, 10586, "Windows 10 1511 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xc8},
      {F::ProcessExitTime, 0x2c0}, {F::ProcessInheritedFromUniqueProcessId, 0x138}, {F::ProcessPeb, 0x144},
      {F::ProcessSessionId, 0x148}, {F::ProcessImageFileName, 0x174}, {F::ProcessImagePath, 0x188},
      {F::ProcessThreadListHead, 0x198}, {F::ProcessActiveThreads, 0x1a0}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x374}, {F::ThreadStartAddress, 0x360},
      {F::ThreadWin32StartAddress, 0x3a4}, {F::ThreadListEntry, 0x3ac}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 10.0.14393.0.
    {kI386, 14393, 14393, "Windows 10 1607 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xc8},
      {F::ProcessExitTime, 0x2c8}, {F::ProcessInheritedFromUniqueProcessId, 0x138}, {F::ProcessPeb, 0x144},
      {F::ProcessSessionId, 0x148}, {F::ProcessImageFileName, 0x174}, {F::ProcessImagePath, 0x188},
      {F::ProcessThreadListHead, 0x198}, {F::ProcessActiveThreads, 0x1a0}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x374}, {F::ThreadStartAddress, 0x360},
      {F::ThreadWin32StartAddress, 0x3a4}, {F::ThreadListEntry, 0x3ac}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 10.0.15063.0, 10.0.16299.15.
    {kI386, 15063, 16299, "Windows 10 1703-1709 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xd0},
      {F::ProcessExitTime, 0x2d0}, {F::ProcessInheritedFromUniqueProcessId, 0x140}, {F::ProcessPeb, 0x14c},
      {F::ProcessSessionId, 0x150}, {F::ProcessImageFileName, 0x17c}, {F::ProcessImagePath, 0x190},
      {F::ProcessThreadListHead, 0x1a0}, {F::ProcessActiveThreads, 0x1a8}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x37c}, {F::ThreadStartAddress, 0x368},
      {F::ThreadWin32StartAddress, 0x3ac}, {F::ThreadListEntry, 0x3b4}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 10.0.17134.1, 10.0.17763.107.
    {kI386, 17134, 17763, "Windows 10 1803-1809 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xd0},
      {F::ProcessExitTime, 0x2d8}, {F::ProcessInheritedFromUniqueProcessId, 0x140}, {F::ProcessPeb, 0x14c},
      {F::ProcessSessionId, 0x150}, {F::ProcessImageFileName, 0x17c}, {F::ProcessImagePath, 0x190},
      {F::ProcessThreadListHead, 0x1a0}, {F::ProcessActiveThreads, 0x1a8}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x37c}, {F::ThreadStartAddress, 0x368},
      {F::ThreadWin32StartAddress, 0x3ac}, {F::ThreadListEntry, 0x3b4}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 10.0.18362.1. 18363 (1909) shares 1903's kernel.
    {kI386, 18362, 18363, "Windows 10 1903-1909 x86", true,
     {{F::ProcessUniqueProcessId, 0xb4}, {F::ProcessActiveProcessLinks, 0xb8}, {F::ProcessCreateTime, 0xd0},
      {F::ProcessExitTime, 0x348}, {F::ProcessInheritedFromUniqueProcessId, 0x140}, {F::ProcessPeb, 0x14c},
      {F::ProcessSessionId, 0x150}, {F::ProcessImageFileName, 0x17c}, {F::ProcessImagePath, 0x190},
      {F::ProcessThreadListHead, 0x1a0}, {F::ProcessActiveThreads, 0x1a8}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x384}, {F::ThreadStartAddress, 0x370},
      {F::ThreadWin32StartAddress, 0x3b4}, {F::ThreadListEntry, 0x3bc}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 10.0.19041.1288, 10.0.19045.2965.
    {kI386, 19041, 19045, "Windows 10 2004-22H2 x86", true,
     {{F::ProcessUniqueProcessId, 0xe4}, {F::ProcessActiveProcessLinks, 0xe8}, {F::ProcessCreateTime, 0x100},
      {F::ProcessExitTime, 0x388}, {F::ProcessInheritedFromUniqueProcessId, 0x170}, {F::ProcessPeb, 0x17c},
      {F::ProcessSessionId, 0x180}, {F::ProcessImageFileName, 0x1ac}, {F::ProcessImagePath, 0x1c0},
      {F::ProcessThreadListHead, 0x1d0}, {F::ProcessActiveThreads, 0x1d8}, {F::ThreadState, 0x90},
      {F::ThreadTeb, 0xa8}, {F::ThreadApcProcess, 0x80}, {F::ThreadCid, 0x2ac}, {F::ThreadStartAddress, 0x298},
      {F::ThreadWin32StartAddress, 0x2dc}, {F::ThreadListEntry, 0x2e4}, {F::PrcbNumber, 0x3cc}}},
    // [vergilius-rs] 5.2.3790.3959.
    {kAmd64, 3790, 3790, "Windows Server 2003 SP2 x64", true,
     {{F::ProcessUniqueProcessId, 0xd8}, {F::ProcessActiveProcessLinks, 0xe0}, {F::ProcessCreateTime, 0xc0},
      {F::ProcessExitTime, 0xc8}, {F::ProcessInheritedFromUniqueProcessId, 0x218}, {F::ProcessPeb, 0x2c0},
      {F::ProcessSessionId, 0x260}, {F::ProcessImageFileName, 0x268}, {F::ProcessImagePath, 0x318},
      {F::ProcessThreadListHead, 0x290}, {F::ProcessActiveThreads, 0x2b0}, {F::ThreadState, 0x154},
      {F::ThreadTeb, 0xb0}, {F::ThreadApcProcess, 0x68}, {F::ThreadCid, 0x358}, {F::ThreadStartAddress, 0x3c0},
      {F::ThreadWin32StartAddress, 0x3c8}, {F::ThreadListEntry, 0x3d0}}},
    // [vergilius-rs] 6.0.6000.16386, 6.0.6001.18000, 6.0.6002.18005.
    {kAmd64, 6000, 6002, "Windows Vista / Server 2008 x64", true,
     {{F::ProcessUniqueProcessId, 0xe0}, {F::ProcessActiveProcessLinks, 0xe8}, {F::ProcessCreateTime, 0xc8},
      {F::ProcessExitTime, 0xd0}, {F::ProcessInheritedFromUniqueProcessId, 0x1f0}, {F::ProcessPeb, 0x290},
      {F::ProcessSessionId, 0x230}, {F::ProcessImageFileName, 0x238}, {F::ProcessImagePath, 0x2e8},
      {F::ProcessThreadListHead, 0x260}, {F::ProcessActiveThreads, 0x280}, {F::ThreadState, 0x154},
      {F::ThreadTeb, 0xb0}, {F::ThreadApcProcess, 0x68}, {F::ThreadCid, 0x380}, {F::ThreadStartAddress, 0x358},
      {F::ThreadWin32StartAddress, 0x3e0}, {F::ThreadListEntry, 0x3f0}}},
    // [vergilius-rs] 6.1.7600.16385, 6.1.7601.17514.
    {kAmd64, 7600, 7601, "Windows 7 / Server 2008 R2 x64", true,
     {{F::ProcessUniqueProcessId, 0x180}, {F::ProcessActiveProcessLinks, 0x188}, {F::ProcessCreateTime, 0x168},
      {F::ProcessExitTime, 0x170}, {F::ProcessInheritedFromUniqueProcessId, 0x290}, {F::ProcessPeb, 0x338},
      {F::ProcessSessionId, 0x2d8}, {F::ProcessImageFileName, 0x2e0}, {F::ProcessImagePath, 0x390},
      {F::ProcessThreadListHead, 0x308}, {F::ProcessActiveThreads, 0x328}, {F::ThreadState, 0x164},
      {F::ThreadTeb, 0xb8}, {F::ThreadApcProcess, 0x70}, {F::ThreadCid, 0x3b0}, {F::ThreadStartAddress, 0x388},
      {F::ThreadWin32StartAddress, 0x410}, {F::ThreadListEntry, 0x420}}},
    // [vergilius-rs] 6.2.9200.16384.
    {kAmd64, 9200, 9200, "Windows 8 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e0}, {F::ProcessActiveProcessLinks, 0x2e8}, {F::ProcessCreateTime, 0x2d0},
      {F::ProcessExitTime, 0x610}, {F::ProcessInheritedFromUniqueProcessId, 0x3d0}, {F::ProcessPeb, 0x3e8},
      {F::ProcessSessionId, 0x3f0}, {F::ProcessImageFileName, 0x438}, {F::ProcessImagePath, 0x450},
      {F::ProcessThreadListHead, 0x470}, {F::ProcessActiveThreads, 0x480}, {F::ThreadState, 0x184},
      {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x398}, {F::ThreadStartAddress, 0x370},
      {F::ThreadWin32StartAddress, 0x3f0}, {F::ThreadListEntry, 0x400}}},
    // [vergilius-rs] 6.3.9600.16384.
    {kAmd64, 9600, 9600, "Windows 8.1 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e0}, {F::ProcessActiveProcessLinks, 0x2e8}, {F::ProcessCreateTime, 0x2d0},
      {F::ProcessExitTime, 0x640}, {F::ProcessInheritedFromUniqueProcessId, 0x3d0}, {F::ProcessPeb, 0x3e8},
      {F::ProcessSessionId, 0x3f0}, {F::ProcessImageFileName, 0x438}, {F::ProcessImagePath, 0x450},
      {F::ProcessThreadListHead, 0x470}, {F::ProcessActiveThreads, 0x480}, {F::ThreadState, 0x184},
      {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x620}, {F::ThreadStartAddress, 0x5f8},
      {F::ThreadWin32StartAddress, 0x678}, {F::ThreadListEntry, 0x688}}},
    // [vergilius-rs] 10.0.10240.16384.
    {kAmd64, 10240, 10240, "Windows 10 1507 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e8}, {F::ProcessActiveProcessLinks, 0x2f0}, {F::ProcessCreateTime, 0x308},
      {F::ProcessExitTime, 0x670}, {F::ProcessInheritedFromUniqueProcessId, 0x3e0}, {F::ProcessPeb, 0x3f8},
      {F::ProcessSessionId, 0x400}, {F::ProcessImageFileName, 0x448}, {F::ProcessImagePath, 0x460},
      {F::ProcessThreadListHead, 0x480}, {F::ProcessActiveThreads, 0x490}, {F::ThreadState, 0x184},
      {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x628}, {F::ThreadStartAddress, 0x600},
      {F::ThreadWin32StartAddress, 0x680}, {F::ThreadListEntry, 0x690}}},
    // [vergilius-rs] 10.0.10586.0.
    {kAmd64, 10586, 10586, "Windows 10 1511 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e8}, {F::ProcessActiveProcessLinks, 0x2f0}, {F::ProcessCreateTime, 0x308},
      {F::ProcessExitTime, 0x678}, {F::ProcessInheritedFromUniqueProcessId, 0x3e0}, {F::ProcessPeb, 0x3f8},
      {F::ProcessSessionId, 0x400}, {F::ProcessWow64Process, 0x428}, {F::ProcessImageFileName, 0x450},
      {F::ProcessImagePath, 0x468}, {F::ProcessThreadListHead, 0x488}, {F::ProcessActiveThreads, 0x498},
      {F::ThreadState, 0x184}, {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x628},
      {F::ThreadStartAddress, 0x600}, {F::ThreadWin32StartAddress, 0x680}, {F::ThreadListEntry, 0x690}}},
    // [vergilius-rs] 10.0.14393.0.
    {kAmd64, 14393, 14393, "Windows 10 1607 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e8}, {F::ProcessActiveProcessLinks, 0x2f0}, {F::ProcessCreateTime, 0x308},
      {F::ProcessExitTime, 0x688}, {F::ProcessInheritedFromUniqueProcessId, 0x3e0}, {F::ProcessPeb, 0x3f8},
      {F::ProcessSessionId, 0x400}, {F::ProcessWow64Process, 0x428}, {F::ProcessImageFileName, 0x450},
      {F::ProcessImagePath, 0x468}, {F::ProcessThreadListHead, 0x488}, {F::ProcessActiveThreads, 0x498},
      {F::ThreadState, 0x184}, {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x630},
      {F::ThreadStartAddress, 0x608}, {F::ThreadWin32StartAddress, 0x688}, {F::ThreadListEntry, 0x698}}},
    // [vergilius-rs] 10.0.15063.0.
    {kAmd64, 15063, 15063, "Windows 10 1703 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e0}, {F::ProcessActiveProcessLinks, 0x2e8}, {F::ProcessCreateTime, 0x308},
      {F::ProcessExitTime, 0x690}, {F::ProcessInheritedFromUniqueProcessId, 0x3e0}, {F::ProcessPeb, 0x3f8},
      {F::ProcessSessionId, 0x400}, {F::ProcessWow64Process, 0x428}, {F::ProcessImageFileName, 0x450},
      {F::ProcessImagePath, 0x468}, {F::ProcessThreadListHead, 0x488}, {F::ProcessActiveThreads, 0x498},
      {F::ThreadState, 0x184}, {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x638},
      {F::ThreadStartAddress, 0x610}, {F::ThreadWin32StartAddress, 0x690}, {F::ThreadListEntry, 0x6a0}}},
    // [vergilius-rs] 10.0.16299.15.
    {kAmd64, 16299, 16299, "Windows 10 1709 x64", true,
     {{F::ProcessUniqueProcessId, 0x2e0}, {F::ProcessActiveProcessLinks, 0x2e8}, {F::ProcessCreateTime, 0x308},
      {F::ProcessExitTime, 0x690}, {F::ProcessInheritedFromUniqueProcessId, 0x3e0}, {F::ProcessPeb, 0x3f8},
      {F::ProcessSessionId, 0x400}, {F::ProcessWow64Process, 0x428}, {F::ProcessImageFileName, 0x450},
      {F::ProcessImagePath, 0x468}, {F::ProcessThreadListHead, 0x488}, {F::ProcessActiveThreads, 0x498},
      {F::ThreadState, 0x184}, {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x638},
      {F::ThreadStartAddress, 0x610}, {F::ThreadWin32StartAddress, 0x690}, {F::ThreadListEntry, 0x6a8}}},
    // [vergilius-rs] 10.0.17134.1, 10.0.17763.107.
    {kAmd64, 17134, 17763, "Windows 10 1803-1809 x64", true,
     {{F::ProcessUserDirectoryTableBase, 0x278}, {F::ProcessUniqueProcessId, 0x2e0},
      {F::ProcessActiveProcessLinks, 0x2e8}, {F::ProcessCreateTime, 0x308}, {F::ProcessExitTime, 0x690},
      {F::ProcessInheritedFromUniqueProcessId, 0x3e0}, {F::ProcessPeb, 0x3f8}, {F::ProcessSessionId, 0x400},
      {F::ProcessWow64Process, 0x428}, {F::ProcessImageFileName, 0x450}, {F::ProcessImagePath, 0x468},
      {F::ProcessThreadListHead, 0x488}, {F::ProcessActiveThreads, 0x498}, {F::ThreadState, 0x184},
      {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x638}, {F::ThreadStartAddress, 0x610},
      {F::ThreadWin32StartAddress, 0x690}, {F::ThreadListEntry, 0x6a8}}},
    // [vergilius-rs] 10.0.18362.30. 18363 (1909) shares 1903's kernel.
    {kAmd64, 18362, 18363, "Windows 10 1903-1909 x64", true,
     {{F::ProcessUserDirectoryTableBase, 0x280}, {F::ProcessUniqueProcessId, 0x2e8},
      {F::ProcessActiveProcessLinks, 0x2f0}, {F::ProcessCreateTime, 0x310}, {F::ProcessExitTime, 0x6c0},
      {F::ProcessInheritedFromUniqueProcessId, 0x3e8}, {F::ProcessPeb, 0x3f8}, {F::ProcessSessionId, 0x400},
      {F::ProcessWow64Process, 0x428}, {F::ProcessImageFileName, 0x450}, {F::ProcessImagePath, 0x468},
      {F::ProcessThreadListHead, 0x488}, {F::ProcessActiveThreads, 0x498}, {F::ThreadState, 0x184},
      {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x648}, {F::ThreadStartAddress, 0x620},
      {F::ThreadWin32StartAddress, 0x6a0}, {F::ThreadListEntry, 0x6b8}}},
    // [vergilius-rs] 10.0.19041.1288, 10.0.19045.2965.
    {kAmd64, 19041, 19045, "Windows 10 2004-22H2 x64", true,
     {{F::ProcessUserDirectoryTableBase, 0x388}, {F::ProcessUniqueProcessId, 0x440},
      {F::ProcessActiveProcessLinks, 0x448}, {F::ProcessCreateTime, 0x468}, {F::ProcessExitTime, 0x840},
      {F::ProcessInheritedFromUniqueProcessId, 0x540}, {F::ProcessPeb, 0x550}, {F::ProcessSessionId, 0x558},
      {F::ProcessWow64Process, 0x580}, {F::ProcessImageFileName, 0x5a8}, {F::ProcessImagePath, 0x5c0},
      {F::ProcessThreadListHead, 0x5e0}, {F::ProcessActiveThreads, 0x5f0}, {F::ThreadState, 0x184},
      {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x478}, {F::ThreadStartAddress, 0x450},
      {F::ThreadWin32StartAddress, 0x4d0}, {F::ThreadListEntry, 0x4e8}}},
    // [vergilius-rs] 10.0.22000.1, 10.0.22621.382, 10.0.22631.2428.
    {kAmd64, 22000, 22631, "Windows 11 21H2-23H2 x64", true,
     {{F::ProcessUserDirectoryTableBase, 0x388}, {F::ProcessUniqueProcessId, 0x440},
      {F::ProcessActiveProcessLinks, 0x448}, {F::ProcessCreateTime, 0x468}, {F::ProcessExitTime, 0x840},
      {F::ProcessInheritedFromUniqueProcessId, 0x540}, {F::ProcessPeb, 0x550}, {F::ProcessSessionId, 0x558},
      {F::ProcessWow64Process, 0x580}, {F::ProcessImageFileName, 0x5a8}, {F::ProcessImagePath, 0x5c0},
      {F::ProcessThreadListHead, 0x5e0}, {F::ProcessActiveThreads, 0x5f0}, {F::ThreadState, 0x184},
      {F::ThreadTeb, 0xf0}, {F::ThreadApcProcess, 0xb8}, {F::ThreadCid, 0x4c8}, {F::ThreadStartAddress, 0x4a0},
      {F::ThreadWin32StartAddress, 0x520}, {F::ThreadListEntry, 0x538}}},
    // [ntdiff-arm64] ntdiff/headers Win10_20H2_19569/ARM64/System32/ntdll.dll/Standalone/_EPROCESS.h: an Insider
    // build of Windows 10 20H1 for ARM64, the only ARM64 kernel whose types a public dump shows; its EPROCESS
    // only (the thread fields come from the KDBG and discovery). No row extends it to released builds.
    {kArm64, 19569, 19569, "Windows 10 Insider 19569 ARM64", true,
     {{F::ProcessUniqueProcessId, 0x3f8}, {F::ProcessActiveProcessLinks, 0x400}, {F::ProcessCreateTime, 0x420},
      {F::ProcessExitTime, 0x900}, {F::ProcessInheritedFromUniqueProcessId, 0x4f8}, {F::ProcessPeb, 0x508},
      {F::ProcessSessionId, 0x510}, {F::ProcessWow64Process, 0x538}, {F::ProcessImageFileName, 0x560},
      {F::ProcessImagePath, 0x578}, {F::ProcessThreadListHead, 0x598}, {F::ProcessActiveThreads, 0x5a8}}},
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
