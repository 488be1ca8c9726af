// Sorted page runs, and the full dump's run list (DumpType 1): PHYSICAL_MEMORY_DESCRIPTOR in the header at 0x88
// (64-bit: NumberOfRuns u32, NumberOfPages u64 @+8, runs {BasePage u64, PageCount u64} @+0x10) or 0x64 (32-bit:
// NumberOfRuns u32, NumberOfPages u32 @+4, runs {u32, u32} @+8). Pages are packed from the header's end.
#include <algorithm>

#include "kdmp/le.hpp"
#include "physmem_layouts.hpp"

namespace kdmp {

PageRuns::PageRuns(std::vector<Run> runs) : runs_(std::move(runs)) {}

std::optional<uint64_t> PageRuns::ordinal(uint64_t pfn) const {
  auto it = std::upper_bound(runs_.begin(), runs_.end(), pfn,
                             [](uint64_t p, const Run& r) { return p < r.first_pfn; });
  if (it == runs_.begin()) return std::nullopt;
  --it;
  const uint64_t k = pfn - it->first_pfn;
  if (k >= it->page_count) return std::nullopt;
  return it->first_ordinal + k;
}

std::optional<uint64_t> PageRuns::next_present(uint64_t pfn) const {
  auto it = std::upper_bound(runs_.begin(), runs_.end(), pfn,
                             [](uint64_t p, const Run& r) { return p < r.first_pfn; });
  if (it != runs_.begin()) {
    const Run& prev = *(it - 1);
    if (pfn - prev.first_pfn < prev.page_count) return pfn;
  }
  if (it == runs_.end()) return std::nullopt;
  return it->first_pfn;
}

void PageRuns::for_each_range(const RangeCallback& callback) const {
  PhysicalRange cur;
  for (const Run& r : runs_) {
    if (cur.page_count != 0 && cur.first_pfn + cur.page_count == r.first_pfn) {
      cur.page_count += r.page_count;
      continue;
    }
    if (cur.page_count != 0 && !callback(cur)) return;
    cur = {r.first_pfn, r.page_count};
  }
  if (cur.page_count != 0) callback(cur);
}

namespace physmem {

namespace {
constexpr size_t kDescriptorBytes = 700;  // PhysicalMemoryBlockBuffer
}  // namespace

Result<PhysicalIndex> index_run_list(const DumpHeader& header, std::vector<Warning>& warnings) {
  const std::span<const uint8_t> raw(header.raw);
  const size_t base = header.physical_memory_block_offset;
  const size_t pages_field = base + (header.is64 ? 8 : 4);
  const size_t first_run = base + (header.is64 ? 0x10 : 8);
  const size_t run_size = header.is64 ? 16 : 8;
  const size_t max_runs = (kDescriptorBytes - (first_run - base)) / run_size;  // 42 or 86
  if (!le::fits(raw, base, kDescriptorBytes)) {
    return make_error(ErrorCode::FileTooSmall, "the header is too short to hold the run list at " + hex(base), base);
  }

  const uint32_t count = le::u32(raw, base);
  if (count == kPageFill) {
    return make_error(ErrorCode::BadRunList,
                      "the run list at " + hex(base) +
                          " is filled with 'PAGE' (never written), but a full dump (type 1) needs it to find its pages",
                      base);
  }
  if (count > max_runs) {
    return make_error(ErrorCode::BadRunList,
                      "the run list at " + hex(base) + " claims " + std::to_string(count) + " runs, but at most " +
                          std::to_string(max_runs) + " fit in its " + std::to_string(kDescriptorBytes) + " bytes",
                      base);
  }
  const uint64_t declared = header.is64 ? le::u64(raw, pages_field) : le::u32(raw, pages_field);

  std::vector<RawRun> runs;
  runs.reserve(count);
  uint64_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t at = first_run + i * run_size;
    const uint64_t first = header.is64 ? le::u64(raw, at) : le::u32(raw, at);
    const uint64_t pages = header.is64 ? le::u64(raw, at + 8) : le::u32(raw, at + 4);
    runs.push_back({first, pages, at});
  }
  auto sorted = sort_runs(runs, ErrorCode::BadRunList, "run");
  if (!sorted.ok()) return sorted.error();
  for (const auto& r : sorted->runs()) total += r.page_count;  // disjoint and below 2^52: no overflow

  if (declared != total) {
    warnings.push_back({"run-list-page-count-mismatch",
                        "the run list's NumberOfPages at " + hex(pages_field) + " says " + hex(declared) +
                            " pages but its " + std::to_string(count) + " runs hold " + hex(total) +
                            "; kdmpview uses the runs"});
  }
  auto span = check_data_span(header.header_size, total, ErrorCode::BadRunList, base);
  if (!span.ok()) return span.error();
  return PhysicalIndex(std::move(sorted).value(), header.header_size, total);
}

}  // namespace physmem
}  // namespace kdmp
