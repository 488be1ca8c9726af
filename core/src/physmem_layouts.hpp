// The per-layout parsers behind build_physical_index (internal to the core).
#pragma once
#include <vector>

#include "kdmp/physmem.hpp"

namespace kdmp::physmem {

// DumpType 1: the run list in the header (0x88 / 0x64), pages from the header's end.
Result<PhysicalIndex> index_run_list(const DumpHeader& header, std::vector<Warning>& warnings);
// DumpType 5 and 6: the SDMP/FDMP summary header and bitmap at the header's end.
Result<PhysicalIndex> index_bitmap(BlockCache& file, const DumpHeader& header, std::vector<Warning>& warnings);
// DumpType 8, 9 and 0xA: the RDMP header and ranges at the header's end.
Result<PhysicalIndex> index_rdmp(BlockCache& file, const DumpHeader& header, std::vector<Warning>& warnings);

// A run as read from the file, before sorting: `where` is the file offset of its record, for error messages.
struct RawRun {
  uint64_t first_pfn;
  uint64_t page_count;
  uint64_t where;
};
// Sorts runs by PFN (keeping their ordinals in file order), drops empty ones, rejects overlaps with `code`
// (the message names both records' offsets). `kind` names a record in messages: "run", "range".
Result<PageRuns> sort_runs(const std::vector<RawRun>& raw, ErrorCode code, const char* kind);

// Checks that data_offset + page_count pages still fit in a 64-bit file offset.
Status check_data_span(uint64_t data_offset, uint64_t page_count, ErrorCode code, uint64_t where);

// Reads bytes [offset, offset + out.size()) in chunks of at most 1 MiB straight from the cache's inner source:
// big sequential reads would only evict the cache. FileTooSmall when the file is shorter.
Status read_bulk(BlockCache& file, uint64_t offset, std::span<uint8_t> out);

}  // namespace kdmp::physmem
