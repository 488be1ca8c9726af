// The KDBG as an offset source: the fields KDDEBUGGER_DATA64 itself gives (the running kernel's own numbers).
#pragma once
#include "kdmp/kdbg.hpp"
#include "kdmp/kernel_offsets.hpp"

namespace kdmp {

class KdbgOffsets final : public OffsetSource {
 public:
  explicit KdbgOffsets(const Kdbg& kdbg) : kdbg_(kdbg) {}
  OffsetOrigin origin() const override { return OffsetOrigin::Kdbg; }
  std::optional<uint32_t> offset(KernelField field) const override;
  std::string description() const override;

 private:
  Kdbg kdbg_;
};

}  // namespace kdmp
