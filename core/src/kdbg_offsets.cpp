#include "kdmp/kdbg_offsets.hpp"

namespace kdmp {

namespace {
// A zero means the block does not cover the field (older kernels) or the kernel left it out.
std::optional<uint32_t> known(uint16_t v) { return v != 0 ? std::optional<uint32_t>(v) : std::nullopt; }
}  // namespace

std::optional<uint32_t> KdbgOffsets::offset(KernelField field) const {
  switch (field) {
    case KernelField::ProcessDirectoryTableBase: return known(kdbg_.offset_eprocess_directory_table_base);
    case KernelField::ProcessPeb: return known(kdbg_.offset_eprocess_peb);
    case KernelField::ProcessInheritedFromUniqueProcessId: return known(kdbg_.offset_eprocess_parent_cid);
    case KernelField::ThreadState: return known(kdbg_.offset_kthread_state);
    case KernelField::ThreadTeb: return known(kdbg_.offset_kthread_teb);
    case KernelField::ThreadApcProcess: return known(kdbg_.offset_kthread_apc_process);
    case KernelField::PcrPrcb: return known(kdbg_.offset_pcr_contained_prcb);
    case KernelField::PrcbCurrentThread: return known(kdbg_.offset_prcb_current_thread);
    case KernelField::PrcbNumber: return known(kdbg_.offset_prcb_number);
    default: return std::nullopt;
  }
}

std::string KdbgOffsets::description() const {
  return "kdbg: KDDEBUGGER_DATA64 at " + hex(kdbg_.address) + (kdbg_.decoded ? " (decoded)" : "");
}

}  // namespace kdmp
