// The physical index itself and what the layouts share: dispatch by dump type, run sorting, bulk reads.
#include "kdmp/physmem.hpp"

#include <algorithm>

#include "physmem_layouts.hpp"

namespace kdmp {

PhysicalIndex::PhysicalIndex(PageRuns runs, uint64_t data_offset, uint64_t page_count)
    : layout_(PhysicalLayout::Runs), data_offset_(data_offset), page_count_(page_count), runs_(std::move(runs)) {}

PhysicalIndex::PhysicalIndex(PageBitmap bitmap, uint64_t data_offset)
    : layout_(PhysicalLayout::Bitmap),
      data_offset_(data_offset),
      page_count_(bitmap.set_count()),
      bitmap_(std::move(bitmap)) {}

std::optional<uint64_t> PhysicalIndex::page_ordinal(uint64_t pfn) const {
  switch (layout_) {
    case PhysicalLayout::None: return std::nullopt;
    case PhysicalLayout::Runs: return runs_.ordinal(pfn);
    case PhysicalLayout::Bitmap:
      if (!bitmap_.test(pfn)) return std::nullopt;
      return bitmap_.rank(pfn);
  }
  return std::nullopt;
}

std::optional<FileOffset> PhysicalIndex::page_offset(uint64_t pfn) const {
  const auto n = page_ordinal(pfn);
  if (!n) return std::nullopt;
  // The builders checked that data_offset + page_count * 0x1000 does not overflow.
  return FileOffset(data_offset_ + *n * kPageSize);
}

std::optional<uint64_t> PhysicalIndex::next_present(uint64_t pfn) const {
  switch (layout_) {
    case PhysicalLayout::None: return std::nullopt;
    case PhysicalLayout::Runs: return runs_.next_present(pfn);
    case PhysicalLayout::Bitmap: return bitmap_.next_set(pfn);
  }
  return std::nullopt;
}

void PhysicalIndex::for_each_range(const RangeCallback& callback) const {
  switch (layout_) {
    case PhysicalLayout::None: return;
    case PhysicalLayout::Runs: return runs_.for_each_range(callback);
    case PhysicalLayout::Bitmap: return bitmap_.for_each_range(callback);
  }
}

void PhysicalIndex::for_each_extent(const ExtentCallback& callback) const {
  switch (layout_) {
    case PhysicalLayout::None: return;
    case PhysicalLayout::Bitmap:
      // A run of set bits is a run of consecutive ordinals.
      return bitmap_.for_each_range([&](const PhysicalRange& r) {
        return callback({r.first_pfn, r.page_count, data_offset_ + bitmap_.rank(r.first_pfn) * kPageSize});
      });
    case PhysicalLayout::Runs: {
      PhysicalExtent cur;
      for (const PageRuns::Run& r : runs_.runs()) {
        if (cur.page_count != 0 && cur.first_pfn + cur.page_count == r.first_pfn &&
            cur.file_offset + cur.page_count * kPageSize == data_offset_ + r.first_ordinal * kPageSize) {
          cur.page_count += r.page_count;
          continue;
        }
        if (cur.page_count != 0 && !callback(cur)) return;
        cur = {r.first_pfn, r.page_count, data_offset_ + r.first_ordinal * kPageSize};
      }
      if (cur.page_count != 0) callback(cur);
      return;
    }
  }
}

std::vector<PhysicalRange> PhysicalIndex::ranges() const {
  std::vector<PhysicalRange> out;
  for_each_range([&](const PhysicalRange& r) {
    out.push_back(r);
    return true;
  });
  return out;
}

uint64_t PhysicalIndex::pages_past_end(uint64_t file_size) const {
  const uint64_t whole = file_size > data_offset_ ? (file_size - data_offset_) / kPageSize : 0;
  return page_count_ > whole ? page_count_ - whole : 0;
}

size_t PhysicalIndex::index_memory_bytes() const {
  return sizeof(*this) + runs_.memory_bytes() + bitmap_.memory_bytes();
}

Result<PhysicalIndex> build_physical_index(BlockCache& file, const DumpHeader& header,
                                           std::vector<Warning>& warnings) {
  switch (static_cast<DumpType>(header.dump_type)) {
    case DumpType::Full: return physmem::index_run_list(header, warnings);
    case DumpType::Triage: return PhysicalIndex{};  // a triage dump holds no physical memory
    case DumpType::BitmapFull:
    case DumpType::BitmapKernel: return physmem::index_bitmap(file, header, warnings);
    case DumpType::KernelMemory:
    case DumpType::KernelAndUserMemory:
    case DumpType::CompleteMemory: return physmem::index_rdmp(file, header, warnings);
    case DumpType::Kernel: break;
  }
  return make_error(ErrorCode::UnsupportedDumpType,
                    "dump type " + hex(header.dump_type) + " has no physical-memory layout kdmpview can read");
}

namespace physmem {

Result<PageRuns> sort_runs(const std::vector<RawRun>& raw, ErrorCode code, const char* kind) {
  struct Sorted {
    PageRuns::Run run;
    uint64_t where;
  };
  std::vector<Sorted> runs;
  runs.reserve(raw.size());
  uint64_t ordinal = 0;
  for (const RawRun& r : raw) {
    if (r.first_pfn >= kMaxPfnCount || r.page_count > kMaxPfnCount - r.first_pfn) {
      return make_error(code,
                        std::string(kind) + " at " + hex(r.where) + " (first page " + hex(r.first_pfn) +
                            ", " + hex(r.page_count) + " pages) runs past the largest page frame number " +
                            hex(kMaxPfnCount - 1),
                        r.where);
    }
    if (r.page_count == 0) continue;
    runs.push_back({{r.first_pfn, r.page_count, ordinal}, r.where});
    ordinal += r.page_count;  // at most 2^52 per run and at most 2^52 in all once overlaps are ruled out below
  }
  std::sort(runs.begin(), runs.end(),
            [](const Sorted& a, const Sorted& b) { return a.run.first_pfn < b.run.first_pfn; });
  for (size_t i = 1; i < runs.size(); ++i) {
    const auto& prev = runs[i - 1];
    const auto& cur = runs[i];
    if (prev.run.first_pfn + prev.run.page_count > cur.run.first_pfn) {
      return make_error(code,
                        std::string(kind) + " at " + hex(cur.where) + " (pages " + hex(cur.run.first_pfn) + "-" +
                            hex(cur.run.first_pfn + cur.run.page_count - 1) + ") overlaps the " + kind + " at " +
                            hex(prev.where) + " (pages " + hex(prev.run.first_pfn) + "-" +
                            hex(prev.run.first_pfn + prev.run.page_count - 1) + ")",
                        cur.where);
    }
  }
  std::vector<PageRuns::Run> out;
  out.reserve(runs.size());
  for (const auto& s : runs) out.push_back(s.run);
  return PageRuns(std::move(out));
}

Status check_data_span(uint64_t data_offset, uint64_t page_count, ErrorCode code, uint64_t where) {
  if (page_count > (UINT64_MAX - data_offset) / kPageSize) {
    return make_error(code,
                      hex(page_count) + " pages stored from file offset " + hex(data_offset) +
                          " would end past the largest 64-bit file offset",
                      where);
  }
  return Ok{};
}

Status read_bulk(BlockCache& file, uint64_t offset, std::span<uint8_t> out) {
  constexpr size_t kChunk = 1 << 20;
  size_t done = 0;
  while (done < out.size()) {
    const size_t n = std::min(kChunk, out.size() - done);
    auto st = read_exact(file.inner(), offset + done, out.subspan(done, n));
    if (!st.ok()) return st.error();
    done += n;
  }
  return Ok{};
}

}  // namespace physmem
}  // namespace kdmp
