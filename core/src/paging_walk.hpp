// What every page-table walker shares: reading one entry (and saying which table was missing when it cannot) and
// the wording of the errors. Private to core/src.
#pragma once
#include <cstdint>
#include <string>

#include "kdmp/address.hpp"
#include "kdmp/paging.hpp"
#include "kdmp/physical_reader.hpp"
#include "kdmp/result.hpp"

namespace kdmp::paging_detail {

// One level of a walk: the entry's name and how much virtual memory one entry and its whole table map (the
// errors carry these as Error::span, so a scan can skip what a missing entry or table rules out).
struct Level {
  const char* name;
  uint64_t entry_span;
  uint64_t table_span;
};

// Reads the entry_size-byte (4 or 8) entry at index of the table at table_gpa. A table page that is not in the
// dump becomes PageTablePageMissing naming the level and the table's address (span: the table's).
Result<uint64_t> read_entry(PhysicalReader& phys, const Level& level, Gpa table_gpa, uint64_t index,
                            unsigned entry_size, Gva va);

// "PDE at gpa 0x... is 0x...: <why> (translating va 0x...)", with code NotPresent (span: the entry's).
Error not_present(const Level& level, Gpa entry_gpa, uint64_t value, Gva va, const char* why = "not present");

// A transition PTE keeps the Windows MM_* protection in bits 5..9: base values 4-7 allow writes, 2, 3, 6 and 7
// allow execution. The upper levels' hardware bits still restrict it.
inline void apply_transition_protection(Translation& t, uint32_t protection) {
  t.writable = t.writable && (protection & 4);
  t.executable = t.executable && (protection & 2);
  t.transition = true;
}

inline Translation leaf(uint64_t frame, uint64_t page_size, Gva va, int levels) {
  Translation t;
  t.page_size = page_size;
  t.page_base = Gva(va.value & ~(page_size - 1));
  t.gpa = Gpa(frame + (va.value & (page_size - 1)));
  t.levels_walked = levels;
  return t;
}

}  // namespace kdmp::paging_detail
