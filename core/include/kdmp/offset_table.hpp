// The built-in table of structure offsets per build and architecture (public facts; every row names its source in
// offset_table.cpp). Only what a source confirmed is in it; the rest is left to the KDBG's fields and discovery.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "kdmp/kernel_offsets.hpp"

namespace kdmp {

class TableOffsets final : public OffsetSource {
 public:
  // machine: 0x8664, 0xAA64, 0x14c, 0x1c4 (ARM32); build: the header's MinorVersion.
  TableOffsets(uint32_t machine, uint32_t build);
  OffsetOrigin origin() const override { return OffsetOrigin::Table; }
  std::optional<uint32_t> offset(KernelField field) const override;
  std::string description() const override;
  bool has_build_row() const { return row_ != nullptr; }  // false: only the architecture's constants

  struct Row;

 private:
  uint32_t machine_;
  const Row* row_ = nullptr;
};

}  // namespace kdmp
