#include "kdmp/paging.hpp"

#include "kdmp/le.hpp"
#include "paging_walk.hpp"

namespace kdmp {

const char* paging_mode_name(PagingMode mode) {
  switch (mode) {
    case PagingMode::X64: return "x64";
    case PagingMode::Arm64: return "arm64";
    case PagingMode::X86Pae: return "x86-pae";
    case PagingMode::X86: return "x86";
    case PagingMode::Arm: return "arm";
  }
  return "unknown";
}

Result<PagingMode> paging_mode_of(const DumpHeader& header) {
  switch (header.machine_image_type) {
    case static_cast<uint32_t>(Machine::Amd64): return PagingMode::X64;
    case static_cast<uint32_t>(Machine::Arm64): return PagingMode::Arm64;
    case static_cast<uint32_t>(Machine::I386): return header.pae_enabled ? PagingMode::X86Pae : PagingMode::X86;
    case static_cast<uint32_t>(Machine::Arm): return PagingMode::Arm;
  }
  return make_error(ErrorCode::Unsupported,
                    "no paging scheme for machine type " + hex(header.machine_image_type), header.machine_image_type);
}

Result<Translation> translate(PhysicalReader& phys, PagingMode mode, uint64_t dtb, Gva va) {
  switch (mode) {
    case PagingMode::X64: return translate_x64(phys, dtb, va);
    case PagingMode::Arm64: return translate_arm64(phys, dtb, va);
    case PagingMode::X86Pae: return translate_x86_pae(phys, dtb, va);
    case PagingMode::X86: return translate_x86(phys, dtb, va);
    case PagingMode::Arm: return translate_arm(phys, dtb, va);
  }
  return make_error(ErrorCode::InvalidArgument, "unknown paging mode", va.value);
}

namespace paging_detail {

Result<uint64_t> read_entry(PhysicalReader& phys, const Level& level, Gpa table_gpa, uint64_t index,
                            unsigned entry_size, Gva va) {
  uint8_t bytes[8] = {};
  const Gpa entry_gpa = table_gpa + index * entry_size;
  auto status = phys.read_physical_exact(entry_gpa, std::span<uint8_t>(bytes, entry_size));
  if (!status.ok()) {
    const Error& e = status.error();
    if (e.code == ErrorCode::PageNotInDump || e.code == ErrorCode::FileEndsEarly) {
      Error missing = make_error(ErrorCode::PageTablePageMissing,
                                 std::string("the table holding the ") + level.name + " (gpa " +
                                     hex(table_gpa.value) + ") is not in the dump: " + e.message +
                                     " (translating va " + hex(va.value) + ")",
                                 va.value);
      missing.span = level.table_span;
      return missing;
    }
    return make_error(e.code,
                      std::string("reading ") + level.name + " at gpa " + hex(entry_gpa.value) + ": " + e.message,
                      va.value);
  }
  return entry_size == 8 ? le::u64(bytes, 0) : le::u32(bytes, 0);
}

Error not_present(const Level& level, Gpa entry_gpa, uint64_t value, Gva va, const char* why) {
  Error e = make_error(ErrorCode::NotPresent,
                       std::string(level.name) + " at gpa " + hex(entry_gpa.value) + " is " + hex(value) + ": " + why +
                           " (translating va " + hex(va.value) + ")",
                       va.value);
  e.span = level.entry_span;
  return e;
}

}  // namespace paging_detail

}  // namespace kdmp
