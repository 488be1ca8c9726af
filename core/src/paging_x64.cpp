// x64 4-level paging: PML4 -> PDPT -> PD -> PT, 9 index bits per level, 8-byte entries.
#include "kdmp/paging.hpp"
#include "kdmp/pte.hpp"
#include "paging_walk.hpp"

namespace kdmp {

using paging_detail::leaf;
using paging_detail::not_present;
using paging_detail::read_entry;

namespace {

constexpr paging_detail::Level kLevel[] = {{"PML4E", 1ull << 39, 1ull << 48},
                                          {"PDPTE", 1ull << 30, 1ull << 39},
                                          {"PDE", 1ull << 21, 1ull << 30},
                                          {"PTE", 1ull << 12, 1ull << 21}};

// The walk from `first_level` down, with the table and permissions the levels above it left.
Result<Translation> walk(PhysicalReader& phys, int first_level, X64PageTable state, Gva va,
                         std::optional<X64PageTable>* reached) {
  Gpa table = state.table;
  bool writable = state.writable, user = state.user, nx = state.nx;
  for (int level = first_level; level < 4; ++level) {
    if (level == 3 && reached != nullptr) *reached = X64PageTable{table, writable, user, nx};
    const uint64_t index = (va.value >> (39 - 9 * level)) & 0x1ff;
    KDMP_TRY(raw, read_entry(phys, kLevel[level], table, index, 8, va));
    const Pte e(raw);
    const Gpa entry_gpa = table + index * 8;

    if (!e.present()) {
      if (level == 3 && e.is_transition()) {
        Translation t = leaf(e.frame(), kPageSize, va, 4);
        t.writable = writable;
        t.user = user;
        t.executable = !nx;
        paging_detail::apply_transition_protection(t, e.software_protection());
        return t;
      }
      return not_present(kLevel[level], entry_gpa, raw, va);
    }
    writable = writable && e.writable();
    user = user && e.user();
    nx = nx || e.nx();

    Translation t;
    if (level == 3) {
      t = leaf(e.frame(), kPageSize, va, 4);  // bit 7 of a PTE is PAT, not PS
    } else if (!e.large_page()) {
      table = Gpa(e.frame());
      continue;
    } else if (level == 0) {
      return not_present(kLevel[level], entry_gpa, raw, va, "reserved bit 7 (PS) is set");
    } else if (level == 1) {
      t = leaf(e.frame_1g(), kPageSize1G, va, 2);
    } else {
      t = leaf(e.frame_2m(), kPageSize2M, va, 3);
    }
    t.writable = writable;
    t.user = user;
    t.executable = !nx;
    return t;
  }
  return make_error(ErrorCode::InvalidArgument, "unreachable", va.value);
}

}  // namespace

Result<Translation> translate_x64(PhysicalReader& phys, uint64_t cr3, Gva va, std::optional<X64PageTable>* reached) {
  const uint64_t top = va.value >> 47;  // bits 47..63 must be all clear or all set
  if (top != 0 && top != 0x1ffff) {
    return make_error(ErrorCode::InvalidArgument,
                      "va " + hex(va.value) + " is not canonical: bits 48..63 must be copies of bit 47", va.value);
  }
  // CR3 bits 0..11 hold PCID (or PWT/PCD) and bit 63 is the no-flush hint: neither is part of the address.
  return walk(phys, 0, {Gpa(cr3 & 0x000f'ffff'ffff'f000ull)}, va, reached);
}

Result<Translation> translate_x64_in_table(PhysicalReader& phys, const X64PageTable& page_table, Gva va) {
  return walk(phys, 3, page_table, va, nullptr);
}

}  // namespace kdmp
