#include "kdmp/next_mapped.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "kdmp/triage.hpp"
#include "kdmp/virtual_reader.hpp"

namespace kdmp {

namespace {

using Next = Result<std::optional<Gva>>;

// Where the mode can translate, from va on: va itself, the start of the upper half when va is in the hole between
// the halves (x64: 0x0000800000000000-0xffff7fffffffffff; ARM64 with 48-bit VAs: 0x0001000000000000-
// 0xfffeffffffffffff), or nullopt above a 32-bit address space.
std::optional<uint64_t> translatable_from(PagingMode mode, uint64_t va) {
  switch (mode) {
    case PagingMode::X64:
      return va >= 0x0000'8000'0000'0000 && va < 0xffff'8000'0000'0000 ? 0xffff'8000'0000'0000 : va;
    case PagingMode::Arm64:
      return va >= 0x0001'0000'0000'0000 && va < 0xffff'0000'0000'0000 ? 0xffff'0000'0000'0000 : va;
    case PagingMode::X86Pae:
    case PagingMode::X86:
    case PagingMode::Arm:
      if (va >> 32 != 0) return std::nullopt;
      return va;
  }
  return va;
}

// The first address past the naturally aligned `span` bytes holding va; 0 when that is 2^64. A span that is
// unknown (0) or not a power of two counts as one page: slower, but never skips mapped memory.
uint64_t after_span(uint64_t va, uint64_t span) {
  if (span == 0 || (span & (span - 1)) != 0) span = kPageSize;
  return (va | (span - 1)) + 1;
}

bool unmapped(ErrorCode code) { return code == ErrorCode::NotPresent || code == ErrorCode::PageTablePageMissing; }
bool data_missing(ErrorCode code) { return code == ErrorCode::PageNotInDump || code == ErrorCode::FileEndsEarly; }

Error out_of_steps(uint64_t from, uint64_t at, uint64_t steps) {
  return make_error(ErrorCode::NotPresent,
                    "nothing readable from " + hex(from) + " up to " + hex(at) + " in " + std::to_string(steps) +
                        " page-table walks; the search stopped there and can go on from " + hex(at),
                    at);
}

Next scan_page_tables(VirtualReader& reader, uint64_t from, uint64_t max_steps) {
  uint64_t va = from;
  for (uint64_t steps = 0;; ++steps) {
    const auto start = translatable_from(reader.mode(), va);
    if (!start) return std::optional<Gva>{};
    va = *start;
    if (steps == max_steps) return out_of_steps(from, va, steps);
    uint64_t next;
    if (auto t = reader.translate(Gva(va)); !t.ok()) {
      if (!unmapped(t.error().code)) return t.error();
      next = after_span(va, t.error().span);
    } else {
      // Mapped: readable only if the dump holds the 4 KiB page's data (a large page's pages may be missing one by
      // one). The translation is cached, so this costs no second walk.
      std::array<uint8_t, 1> byte{};
      auto read = reader.read(Gva(va), byte);
      if (read.ok()) return std::optional<Gva>(Gva(va));
      if (!data_missing(read.error().code)) return read.error();
      next = after_span(va, kPageSize);
    }
    if (next <= va) return std::optional<Gva>{};  // wrapped: nothing up to 2^64
    va = next;
  }
}

// Regions are sorted and disjoint, so their ends are sorted too: the first whose last byte is at or after va.
std::optional<Gva> next_in_regions(const TriageMemory& memory, uint64_t va) {
  const auto& regions = memory.regions();
  const auto it = std::partition_point(regions.begin(), regions.end(), [&](const TriageRegion& r) {
    return r.va.value + (r.size - 1) < va;  // inclusive end: no overflow for a region that ends at 2^64
  });
  if (it == regions.end()) return std::nullopt;
  return Gva(std::max(va, it->va.value));
}

// Any other provider: probe one byte, skip what the error rules out.
Next probe(VirtualMemory& memory, uint64_t from, uint64_t max_steps) {
  uint64_t va = from;
  for (uint64_t steps = 0;; ++steps) {
    if (steps == max_steps) return out_of_steps(from, va, steps);
    std::array<uint8_t, 1> byte{};
    auto read = memory.read_virtual_exact(Gva(va), byte);
    if (read.ok()) return std::optional<Gva>(Gva(va));
    const Error& e = read.error();
    if (!unmapped(e.code) && !data_missing(e.code)) return e;
    const uint64_t next = after_span(va, e.span);
    if (next <= va) return std::optional<Gva>{};
    va = next;
  }
}

}  // namespace

Next next_mapped_virtual(VirtualMemory& memory, Gva from, NextMappedOptions options) {
  if (auto* reader = dynamic_cast<VirtualReader*>(&memory)) {
    return scan_page_tables(*reader, from.value, options.max_steps);
  }
  if (const auto* triage = dynamic_cast<const TriageMemory*>(&memory)) return next_in_regions(*triage, from.value);
  return probe(memory, from.value, options.max_steps);
}

}  // namespace kdmp
