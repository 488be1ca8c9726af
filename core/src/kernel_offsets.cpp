#include "kdmp/kernel_offsets.hpp"

#include <algorithm>

namespace kdmp {

const char* kernel_field_name(KernelField field) {
  switch (field) {
    case KernelField::ProcessDirectoryTableBase: return "KPROCESS.DirectoryTableBase";
    case KernelField::ProcessUserDirectoryTableBase: return "KPROCESS.UserDirectoryTableBase";
    case KernelField::ProcessUniqueProcessId: return "EPROCESS.UniqueProcessId";
    case KernelField::ProcessActiveProcessLinks: return "EPROCESS.ActiveProcessLinks";
    case KernelField::ProcessCreateTime: return "EPROCESS.CreateTime";
    case KernelField::ProcessExitTime: return "EPROCESS.ExitTime";
    case KernelField::ProcessInheritedFromUniqueProcessId: return "EPROCESS.InheritedFromUniqueProcessId";
    case KernelField::ProcessPeb: return "EPROCESS.Peb";
    case KernelField::ProcessSessionId: return "EPROCESS.Session";
    case KernelField::ProcessWow64Process: return "EPROCESS.WoW64Process";
    case KernelField::ProcessImageFileName: return "EPROCESS.ImageFileName";
    case KernelField::ProcessImagePath: return "EPROCESS.SeAuditProcessCreationInfo";
    case KernelField::ProcessThreadListHead: return "EPROCESS.ThreadListHead";
    case KernelField::ProcessActiveThreads: return "EPROCESS.ActiveThreads";
    case KernelField::ThreadState: return "KTHREAD.State";
    case KernelField::ThreadTeb: return "KTHREAD.Teb";
    case KernelField::ThreadApcProcess: return "KTHREAD.ApcState.Process";
    case KernelField::ThreadCid: return "ETHREAD.Cid";
    case KernelField::ThreadStartAddress: return "ETHREAD.StartAddress";
    case KernelField::ThreadWin32StartAddress: return "ETHREAD.Win32StartAddress";
    case KernelField::ThreadListEntry: return "ETHREAD.ThreadListEntry";
    case KernelField::PcrIrql: return "KPCR.Irql";
    case KernelField::PcrPrcb: return "KPCR.Prcb";
    case KernelField::PrcbCurrentThread: return "KPRCB.CurrentThread";
    case KernelField::PrcbNumber: return "KPRCB.Number";
    case KernelField::Count: break;
  }
  return "?";
}

const char* offset_origin_name(OffsetOrigin origin) {
  switch (origin) {
    case OffsetOrigin::None: return "";
    case OffsetOrigin::Pdb: return "pdb";
    case OffsetOrigin::Kdbg: return "kdbg";
    case OffsetOrigin::Table: return "table";
    case OffsetOrigin::Discovery: return "discovery";
  }
  return "";
}

KernelOffsets resolve_offsets(std::span<const OffsetSource* const> sources) {
  KernelOffsets out;
  for (const OffsetSource* source : sources) {
    if (source == nullptr) continue;
    bool answered = false;
    for (size_t i = 0; i < kKernelFieldCount; ++i) {
      if (out.values[i]) continue;
      if (auto v = source->offset(static_cast<KernelField>(i))) {
        out.values[i] = *v;
        out.origins[i] = source->origin();
        answered = true;
      }
    }
    if (answered) out.sources.push_back(source->description());
  }
  return out;
}

}  // namespace kdmp
