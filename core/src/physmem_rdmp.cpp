// The RDMP layout (DumpType 8, 9 and 0xA) at the header's end (0x2000): marker u32 0x40 @+0, 'RDMP' @+4,
// 'DUMP' @+8, MetadataSize u64 @+0x10, FirstPageOffset u64 @+0x18 (= 0x20 past the header's end + MetadataSize);
// type 0xA adds NumberOfRanges u32 @+0x20 and TotalNumberOfPages u64 @+0x28. Ranges {StartPfn u64, PageCount u64}
// follow from +0x30 up to FirstPageOffset, and the pages are packed from FirstPageOffset in range order.
#include <algorithm>

#include "kdmp/le.hpp"
#include "physmem_layouts.hpp"

namespace kdmp::physmem {

namespace {

constexpr uint32_t kMarker = 0x40;
constexpr uint32_t kRdmp = 0x504d4452;     // "RDMP"
constexpr uint32_t kDumpSig = 0x504d5544;  // "DUMP"

// Offsets relative to the header's end.
constexpr uint64_t kMarkerField = 0x00, kSignature = 0x04, kValidDump = 0x08, kMetadataSize = 0x10,
                   kFirstPageOffset = 0x18, kNumberOfRanges = 0x20, kTotalNumberOfPages = 0x28,
                   kRanges = kRdmpHeaderSize;
constexpr uint64_t kRangeSize = kRdmpRangeSize;
constexpr uint64_t kMetadataBase = 0x20;  // FirstPageOffset = header end + 0x20 + MetadataSize

// 16 Mi ranges is far more than a fragmented kernel dump of a large machine has; it bounds the index memory.
constexpr uint64_t kMaxRanges = uint64_t{1} << 24;

}  // namespace

Result<PhysicalIndex> index_rdmp(BlockCache& file, const DumpHeader& header, std::vector<Warning>& warnings) {
  const uint64_t base = header.header_size;
  const uint64_t file_size = file.size();
  const bool complete = header.dump_type == static_cast<uint32_t>(DumpType::CompleteMemory);
  if (file_size < base + kRanges) {
    return make_error(ErrorCode::BadRdmp,
                      "the file ends at " + hex(file_size) + ", before the end of the RDMP header at " + hex(base) +
                          " (" + hex(kRanges) + " bytes)",
                      base);
  }
  uint8_t head[kRanges] = {};
  auto st = read_exact(file, base, head);
  if (!st.ok()) return st.error();

  if (le::u32(head, kSignature) != kRdmp) {
    return make_error(ErrorCode::BadRdmp,
                      "expected 'RDMP' at " + hex(base + kSignature) + ", found " + hex(le::u32(head, kSignature)),
                      base + kSignature);
  }
  if (le::u32(head, kValidDump) != kDumpSig) {
    return make_error(ErrorCode::BadRdmp,
                      "expected 'DUMP' at " + hex(base + kValidDump) + ", found " + hex(le::u32(head, kValidDump)),
                      base + kValidDump);
  }
  if (le::u32(head, kMarkerField) != kMarker) {
    // The signatures matched: the marker alone is not worth refusing the dump.
    warnings.push_back({"rdmp-marker", "the RDMP header's marker at " + hex(base + kMarkerField) + " is " +
                                           hex(le::u32(head, kMarkerField)) + " instead of 0x40"});
  }

  const uint64_t metadata_size = le::u64(head, kMetadataSize);
  const uint64_t first_page = le::u64(head, kFirstPageOffset);
  const uint64_t ranges_at = base + kRanges;
  const std::string fpo_text = "FirstPageOffset " + hex(first_page) + " at " + hex(base + kFirstPageOffset);
  if (metadata_size > UINT64_MAX - base - kMetadataBase || first_page != base + kMetadataBase + metadata_size) {
    return make_error(ErrorCode::BadRdmp,
                      fpo_text + " disagrees with MetadataSize " + hex(metadata_size) + " at " +
                          hex(base + kMetadataSize) + " (expected " + hex(base + kMetadataBase) + " + MetadataSize)",
                      base + kFirstPageOffset);
  }
  if (first_page < ranges_at || (first_page - ranges_at) % kRangeSize != 0) {
    return make_error(ErrorCode::BadRdmp,
                      fpo_text + " does not end a whole number of 16-byte ranges starting at " + hex(ranges_at),
                      base + kFirstPageOffset);
  }
  if (first_page > file_size) {
    return make_error(ErrorCode::BadRdmp,
                      fpo_text + " lies past the end of the file at " + hex(file_size) +
                          ": the range table is cut short",
                      base + kFirstPageOffset);
  }
  const uint64_t table_count = (first_page - ranges_at) / kRangeSize;
  if (table_count > kMaxRanges) {
    return make_error(ErrorCode::BadRdmp,
                      fpo_text + " leaves room for " + std::to_string(table_count) + " ranges, more than the " +
                          std::to_string(kMaxRanges) + " kdmpview accepts",
                      base + kFirstPageOffset);
  }

  // Type 0xA also states how many pages there are: stop there (a last range is clipped to it).
  const uint64_t declared_ranges = complete ? le::u32(head, kNumberOfRanges) : 0;
  const uint64_t declared_pages = complete ? le::u64(head, kTotalNumberOfPages) : UINT64_MAX;

  std::vector<RawRun> ranges;
  ranges.reserve(static_cast<size_t>(std::min<uint64_t>(table_count, 4096)));
  uint64_t taken = 0;  // pages so far, in file order
  uint64_t used = 0;   // ranges read before stopping
  bool clipped = false;
  constexpr uint64_t kChunkRanges = 1 << 16;  // 1 MiB of range records per read
  std::vector<uint8_t> chunk;
  for (uint64_t i = 0; i < table_count && taken < declared_pages;) {
    const uint64_t n = std::min(kChunkRanges, table_count - i);
    chunk.resize(static_cast<size_t>(n * kRangeSize));
    auto rd = read_bulk(file, ranges_at + i * kRangeSize, chunk);
    if (!rd.ok()) return rd.error();
    for (uint64_t k = 0; k < n && taken < declared_pages; ++k, ++i) {
      const uint64_t at = ranges_at + i * kRangeSize;
      const uint64_t start = le::u64(chunk, static_cast<size_t>(k * kRangeSize));
      uint64_t count = le::u64(chunk, static_cast<size_t>(k * kRangeSize + 8));
      if (count > declared_pages - taken) {
        count = declared_pages - taken;
        clipped = true;
      }
      ranges.push_back({start, count, at});
      // Overflowing ranges are rejected by sort_runs; saturate so the stop test stays meaningful until then.
      taken = count > UINT64_MAX - taken ? UINT64_MAX : taken + count;
      ++used;
    }
  }
  auto sorted = sort_runs(ranges, ErrorCode::BadRdmp, "range");
  if (!sorted.ok()) return sorted.error();
  uint64_t total = 0;
  for (const auto& r : sorted->runs()) total += r.page_count;

  if (complete) {
    if (clipped || used < table_count) {
      warnings.push_back({"rdmp-ranges-past-total",
                          "the ranges from " + hex(ranges_at) + " hold more pages than TotalNumberOfPages " +
                              hex(declared_pages) + " at " + hex(base + kTotalNumberOfPages) +
                              "; kdmpview stops there, after " + std::to_string(used) + " ranges"});
    }
    if (declared_ranges != table_count) {
      warnings.push_back({"rdmp-range-count-mismatch",
                          "NumberOfRanges at " + hex(base + kNumberOfRanges) + " says " +
                              std::to_string(declared_ranges) + " ranges but " + fpo_text + " leaves room for " +
                              std::to_string(table_count) + "; kdmpview read " + std::to_string(used)});
    }
    if (declared_pages != total) {
      warnings.push_back({"rdmp-page-count-mismatch",
                          "TotalNumberOfPages at " + hex(base + kTotalNumberOfPages) + " says " +
                              hex(declared_pages) + " pages but the ranges hold " + hex(total)});
    }
  }
  auto span = check_data_span(first_page, total, ErrorCode::BadRdmp, base + kFirstPageOffset);
  if (!span.ok()) return span.error();
  return PhysicalIndex(std::move(sorted).value(), first_page, total);
}

}  // namespace kdmp::physmem
