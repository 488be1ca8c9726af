#include "kdmp/virtual_reader.hpp"

#include <algorithm>
#include <string>

namespace kdmp {

VirtualReader::VirtualReader(PhysicalReader& phys, PagingMode mode, uint64_t dtb)
    : phys_(phys), mode_(mode), dtb_(dtb) {
  if (mode_ == PagingMode::X64) tables_.resize(kTableSlots);
}

void VirtualReader::clear_cache() {
  std::fill(small_.begin(), small_.end(), Slot{});
  std::fill(large_.begin(), large_.end(), Slot{});
  std::fill(tables_.begin(), tables_.end(), TableSlot{});
}

bool VirtualReader::lookup(uint64_t va, Translation& out) {
  const uint64_t vpn = va >> 12;
  const Slot& small = small_[vpn % kSmallSlots];
  if (small.key == vpn) {
    out = small.t;
    out.gpa = Gpa(small.t.gpa.value + (va & 0xfff));
    ++stats_.hits;
    return true;
  }
  const uint64_t frame = va >> 21;
  const Slot& large = large_[frame % kLargeSlots];
  if (large.key == frame) {
    out = large.t;
    out.gpa = Gpa(large.t.gpa.value + (va - large.t.page_base.value));
    ++stats_.hits;
    return true;
  }
  return false;
}

void VirtualReader::remember(uint64_t va, const Translation& t) {
  // The large slots are keyed by 2 MiB; pages between 4 KiB and 2 MiB (ARM's 64 KiB pages and 1 MiB sections) are
  // remembered 4 KiB at a time, or one entry would answer for its neighbours.
  if (t.page_size < kPageSize2M) {
    Slot& s = small_[(va >> 12) % kSmallSlots];
    s.key = va >> 12;
    s.t = t;
    s.t.gpa = t.gpa.page_align();
  } else {
    Slot& s = large_[(va >> 21) % kLargeSlots];
    s.key = va >> 21;
    s.t = t;
    s.t.gpa = t.page_gpa();
  }
}

Result<Translation> VirtualReader::translate(Gva va) {
  Translation t;
  if (lookup(va.value, t)) return t;
  ++stats_.misses;
  auto walked = walk(va);
  if (walked.ok()) remember(va.value, *walked);
  return walked;
}

Result<Translation> VirtualReader::walk(Gva va) {
  if (tables_.empty()) return kdmp::translate(phys_, mode_, dtb_, va);
  // x64: resume at the page table remembered for va's 2 MiB frame (only canonical addresses are ever remembered).
  TableSlot& slot = tables_[(va.value >> 21) % kTableSlots];
  if (slot.key == va.value >> 21) return translate_x64_in_table(phys_, slot.table, va);
  std::optional<X64PageTable> reached;
  auto walked = translate_x64(phys_, dtb_, va, &reached);
  if (reached) slot = TableSlot{va.value >> 21, *reached};
  return walked;
}

VirtualReader::Progress VirtualReader::read_pages(Gva va, std::span<uint8_t> out) {
  Progress p;
  while (p.done < out.size()) {
    const uint64_t cur = va.value + p.done;
    if (cur < va.value) {  // wrapped past 2^64
      p.status = make_error(ErrorCode::InvalidArgument,
                            "read from va " + hex(va.value) + " runs past the end of the address space", cur);
      return p;
    }
    auto t = translate(Gva(cur));
    if (!t.ok()) {
      p.status = t.error();
      return p;
    }
    // One 4 KiB page at a time, measured from the current address: a large page is stored as 4 KiB pages that may
    // be individually missing from the dump, and a partial read must stop at the first one.
    const size_t n = std::min<uint64_t>(kPageSize - (cur & 0xfff), out.size() - p.done);
    auto status = phys_.read_physical_exact(t->gpa, out.subspan(p.done, n));
    if (!status.ok()) {
      const Error& e = status.error();
      p.status = make_error(e.code, "va " + hex(cur) + " maps to gpa " + hex(t->gpa.value) + ": " + e.message, cur);
      return p;
    }
    p.done += n;
  }
  return p;
}

Result<size_t> VirtualReader::read(Gva va, std::span<uint8_t> out) {
  Progress p = read_pages(va, out);
  if (p.done == 0 && !p.status.ok()) return p.status.error();
  return p.done;
}

Status VirtualReader::read_exact(Gva va, std::span<uint8_t> out) { return read_pages(va, out).status; }

}  // namespace kdmp
