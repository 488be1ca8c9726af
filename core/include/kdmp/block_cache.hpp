// The cache in front of a byte source, shaped by the source's ReadHint:
//   - a source that can view its bytes (a memory mapping, a buffer) is not cached at all: reads copy straight from
//     it and view() hands out its memory (zero copy);
//   - otherwise an LRU cache of fixed-size blocks, sized for random reads (the hint's block size), that reads ahead
//     in one call of up to the hint's read_ahead bytes while misses come in sequence (the window doubles on each
//     sequential miss, and falls back to one block on a random one);
//   - reads of at least two blocks go to the source directly and leave the cache alone, so that data streaming
//     through does not evict what small reads use over and over (page-table pages, headers).
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "kdmp/source.hpp"

namespace kdmp {

struct CacheOptions {
  size_t block_size = 0;               // bytes per block, a power of two >= 512; 0: the source's hint
  size_t read_ahead = SIZE_MAX;        // most bytes one sequential miss reads; SIZE_MAX: the source's hint; 0: off
  size_t budget = 16 * 1024 * 1024;    // memory the blocks may hold
};

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;        // reads of the source made for the cache (one per run of blocks read ahead)
  uint64_t direct_reads = 0;  // big reads passed to the source, and reads served from its view
  uint64_t bytes_read = 0;    // from the inner source (views excluded)
};

class BlockCache final : public ByteSource {
 public:
  BlockCache(std::unique_ptr<ByteSource> inner, CacheOptions options = {});
  uint64_t size() const override { return size_; }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override;
  bool can_view() const override { return viewable_; }
  std::span<const uint8_t> view(uint64_t offset, size_t size) const override { return inner_->view(offset, size); }
  ReadHint read_hint() const override { return inner_->read_hint(); }

  const CacheStats& stats() const { return stats_; }
  // The options in force (the hint's values filled in; block_size 0 when the source is viewed, not cached).
  const CacheOptions& options() const { return options_; }
  ByteSource& inner() { return *inner_; }
  size_t max_blocks() const { return max_blocks_; }
  size_t cached_blocks() const { return by_index_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Slot {
    uint64_t index = 0;  // block number
    size_t length = 0;   // bytes held; short only for the last block of the source
    uint32_t prev = kNone, next = kNone;  // LRU list, most recent first
    std::unique_ptr<uint8_t[]> bytes;     // block_size bytes, left uninitialised
  };

  Result<uint32_t> find_or_load(uint64_t index);
  Result<uint32_t> load(uint64_t index);
  uint32_t take_slot();  // a free slot, or the least recently used one, unlinked and forgotten
  void link_front(uint32_t slot);
  void link_back(uint32_t slot);
  void unlink(uint32_t slot);
  uint8_t* bytes_of(uint32_t slot) { return slots_[slot].bytes.get(); }

  std::unique_ptr<ByteSource> inner_;
  CacheOptions options_;
  uint64_t size_;
  bool viewable_;
  size_t max_blocks_ = 0;
  unsigned block_shift_ = 0;
  std::unique_ptr<uint8_t[]> staging_;  // one read-ahead window, allocated on the first one
  std::vector<Slot> slots_;             // grows one block at a time up to max_blocks_: memory follows use
  std::unordered_map<uint64_t, uint32_t> by_index_;
  uint32_t head_ = kNone, tail_ = kNone;
  // The last block found: runs of small reads in one block skip the hash lookup.
  uint64_t last_index_ = UINT64_MAX;
  uint32_t last_slot_ = kNone;
  // Sequential detection: the block after the last miss's window, and the current window in blocks.
  uint64_t next_sequential_ = UINT64_MAX;
  size_t window_blocks_ = 1;
  CacheStats stats_;
};

}  // namespace kdmp
