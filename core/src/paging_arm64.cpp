// ARM64 (ARMv8 VMSA) as Windows uses it: 4 KiB granule, 48-bit virtual addresses, 4 levels of 512 descriptors.
// The dump gives one DirectoryTableBase; Windows maps the kernel (upper half, TTBR1) and the current process
// (lower half, TTBR0) through it, so both halves are walked from it with the VA masked to 48 bits.
#include "kdmp/paging.hpp"
#include "kdmp/pte.hpp"
#include "paging_walk.hpp"

namespace kdmp {

using paging_detail::leaf;
using paging_detail::not_present;
using paging_detail::read_entry;

Result<Translation> translate_arm64(PhysicalReader& phys, uint64_t ttbr, Gva va) {
  static constexpr paging_detail::Level kLevel[] = {{"L0 descriptor", 1ull << 39, 1ull << 48},
                                                   {"L1 descriptor", 1ull << 30, 1ull << 39},
                                                   {"L2 descriptor", 1ull << 21, 1ull << 30},
                                                   {"L3 descriptor", 1ull << 12, 1ull << 21}};
  const uint64_t top = va.value >> 48;  // the lower range has 0x0000 here, the upper range 0xffff
  if (top != 0 && top != 0xffff) {
    return make_error(ErrorCode::InvalidArgument,
                      "va " + hex(va.value) + " is in neither translation range: bits 48..63 must be all 0 or all 1",
                      va.value);
  }

  // TTBR: ASID in bits 48..63, CnP in bit 0.
  Gpa table(ttbr & 0x0000'ffff'ffff'f000ull);
  // Table descriptors restrict everything below them (APTable, PXNTable, UXNTable).
  bool read_only = false, no_el0 = false, pxn = false, uxn = false;
  for (int level = 0; level < 4; ++level) {
    const uint64_t index = (va.value >> (39 - 9 * level)) & 0x1ff;
    KDMP_TRY(raw, read_entry(phys, kLevel[level], table, index, 8, va));
    const Arm64Descriptor d(raw);
    const Gpa entry_gpa = table + index * 8;
    if (!d.valid()) return not_present(kLevel[level], entry_gpa, raw, va);

    Translation t;
    if (level < 3 && d.table_or_page()) {
      read_only = read_only || d.read_only_table();
      no_el0 = no_el0 || d.no_el0_table();
      pxn = pxn || d.pxn_table();
      uxn = uxn || d.uxn_table();
      table = Gpa(d.frame());
      continue;
    } else if (level == 3 && d.table_or_page()) {
      t = leaf(d.frame(), kPageSize, va, 4);
    } else if (level == 1 && d.block()) {
      t = leaf(d.frame_1g(), kPageSize1G, va, 2);
    } else if (level == 2 && d.block()) {
      t = leaf(d.frame_2m(), kPageSize2M, va, 3);
    } else {
      return not_present(kLevel[level], entry_gpa, raw, va, "a block descriptor is reserved at this level");
    }
    t.writable = !read_only && !d.read_only();
    t.user = !no_el0 && d.el0();
    // Executable for the privilege level that may use the page: EL0 for user pages, EL1 for kernel pages.
    t.executable = t.user ? !(uxn || d.uxn()) : !(pxn || d.pxn());
    return t;
  }
  return make_error(ErrorCode::InvalidArgument, "unreachable", va.value);
}

}  // namespace kdmp
