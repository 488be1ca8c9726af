// The physical-memory index: which physical pages a dump stores and where in the file each one lives.
// Every layout stores its pages packed one after another from a data offset, so a page is found by its ordinal
// (the n-th stored page lives at data_offset + n * 0x1000). The index maps a PFN to that ordinal without one entry
// per page: a sorted run table for the run-list and RDMP layouts, a bitmap with a rank directory for the bitmap
// layouts (2.25 MiB for 64 GiB of RAM).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "kdmp/address.hpp"
#include "kdmp/block_cache.hpp"
#include "kdmp/header.hpp"
#include "kdmp/result.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

// PFNs are 52 bits wide (physical addresses of 64 bits minus the 12-bit page offset).
inline constexpr uint64_t kMaxPfnCount = uint64_t{1} << 52;

// The layouts' own structures right after the dump header: the bitmap dumps' SDMP/FDMP summary (the bitmap follows
// it) and the RDMP header (16-byte ranges follow it up to FirstPageOffset).
inline constexpr uint64_t kBitmapSummarySize = 0x38;
inline constexpr uint64_t kRdmpHeaderSize = 0x30;
inline constexpr uint64_t kRdmpRangeSize = 16;

// A stretch of present physical pages.
struct PhysicalRange {
  uint64_t first_pfn = 0;
  uint64_t page_count = 0;
  friend bool operator==(const PhysicalRange&, const PhysicalRange&) = default;
};

// Present physical pages stored one after another in the file: what a scan reads in one go.
struct PhysicalExtent {
  uint64_t first_pfn = 0;
  uint64_t page_count = 0;
  uint64_t file_offset = 0;  // of first_pfn's page (may lie past the end of a truncated file)
  friend bool operator==(const PhysicalExtent&, const PhysicalExtent&) = default;
};

// Callbacks return false to stop the iteration early.
using RangeCallback = std::function<bool(const PhysicalRange&)>;
using PageCallback = std::function<bool(uint64_t pfn)>;
using ExtentCallback = std::function<bool(const PhysicalExtent&)>;

// Stored runs sorted by PFN, each knowing the ordinal of its first page (run-list and RDMP layouts).
class PageRuns {
 public:
  struct Run {
    uint64_t first_pfn;
    uint64_t page_count;
    uint64_t first_ordinal;  // pages stored before this run, in file order
  };
  PageRuns() = default;
  // Runs must be sorted by first_pfn, non-empty and non-overlapping (the layout parsers check that).
  explicit PageRuns(std::vector<Run> runs);

  std::optional<uint64_t> ordinal(uint64_t pfn) const;  // binary search over run starts
  std::optional<uint64_t> next_present(uint64_t pfn) const;
  void for_each_range(const RangeCallback& callback) const;  // adjacent runs merged
  const std::vector<Run>& runs() const { return runs_; }
  size_t memory_bytes() const { return runs_.capacity() * sizeof(Run); }

 private:
  std::vector<Run> runs_;
};

// A bitmap of present pages with a rank directory: for every 512-bit block, the set bits before it and, packed 9
// bits each, the set bits before each of its words 1..7 (Vigna's rank9). The ordinal of a page (set bits before
// it) costs one 16-byte directory read and one popcount, 25% of the bitmap's size.
class PageBitmap {
 public:
  static constexpr uint64_t kBlockBits = 512;
  PageBitmap() = default;
  // words: bit i of words[w] is bit 64*w + i. Bits at and past bit_count are cleared.
  PageBitmap(std::vector<uint64_t> words, uint64_t bit_count);

  uint64_t bit_count() const { return bits_; }
  uint64_t set_count() const { return set_; }
  bool test(uint64_t bit) const { return bit < bits_ && (words_[bit / 64] >> (bit % 64) & 1) != 0; }
  uint64_t rank(uint64_t bit) const;  // set bits in [0, bit); bit <= bit_count
  std::optional<uint64_t> next_set(uint64_t from) const;
  void for_each_range(const RangeCallback& callback) const;  // runs of set bits, scanned a word at a time
  size_t memory_bytes() const { return words_.capacity() * 8 + directory_.capacity() * sizeof(BlockRank); }

 private:
  std::vector<uint64_t> words_;
  struct BlockRank {
    uint64_t before = 0;  // set bits before the block
    uint64_t within = 0;  // bits 9*(k-1) .. 9*k-1: set bits in the block's words 0..k-1, for k = 1..7
  };
  std::vector<BlockRank> directory_;
  uint64_t bits_ = 0;
  uint64_t set_ = 0;
};

enum class PhysicalLayout {
  None,    // triage dump: no physical memory
  Runs,    // DumpType 1 run list, or RDMP ranges (8, 9, 0xA)
  Bitmap,  // DumpType 5, 6
};

class PhysicalIndex {
 public:
  PhysicalIndex() = default;  // empty: a triage dump
  PhysicalIndex(PageRuns runs, uint64_t data_offset, uint64_t page_count);
  PhysicalIndex(PageBitmap bitmap, uint64_t data_offset);

  PhysicalLayout layout() const { return layout_; }
  uint64_t page_count() const { return page_count_; }
  uint64_t data_offset() const { return data_offset_; }  // file offset of the first stored page
  const PageRuns& runs() const { return runs_; }        // empty unless layout() is Runs
  const PageBitmap& bitmap() const { return bitmap_; }  // empty unless layout() is Bitmap

  // The n-th stored page of pfn, or nullopt when the dump does not store it.
  std::optional<uint64_t> page_ordinal(uint64_t pfn) const;
  // Where the index places the page; may lie past the end of a truncated file.
  std::optional<FileOffset> page_offset(uint64_t pfn) const;
  // The first present PFN >= pfn.
  std::optional<uint64_t> next_present(uint64_t pfn) const;
  void for_each_range(const RangeCallback& callback) const;
  std::vector<PhysicalRange> ranges() const;  // merged, sorted by PFN
  // Sorted by PFN; two extents are merged when both their PFNs and their pages in the file follow on.
  void for_each_extent(const ExtentCallback& callback) const;
  // Stored pages that do not lie whole inside a file of file_size bytes (pages are packed, so these are the
  // pages with the highest ordinals).
  uint64_t pages_past_end(uint64_t file_size) const;
  size_t index_memory_bytes() const;

 private:
  PhysicalLayout layout_ = PhysicalLayout::None;
  uint64_t data_offset_ = 0;
  uint64_t page_count_ = 0;
  PageRuns runs_;
  PageBitmap bitmap_;
};

// Builds the index for the header's dump type, reading the layout's structures through `file` (big reads go to
// the cache's inner source). Recoverable oddities (counts that disagree, ...) are appended to `warnings`.
Result<PhysicalIndex> build_physical_index(BlockCache& file, const DumpHeader& header,
                                           std::vector<Warning>& warnings);

}  // namespace kdmp
