// An LRU cache of fixed-size blocks in front of a byte source. Slow sources (FileReaderSync costs ~1 ms a call
// whatever the size) are read in large blocks; small reads of the parser then hit memory.
#pragma once
#include <cstdint>
#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "kdmp/source.hpp"

namespace kdmp {

struct CacheOptions {
  size_t block_size = 256 * 1024;      // bytes per block; a power of two
  size_t budget = 16 * 1024 * 1024;    // memory the cache may hold
};

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t bytes_read = 0;  // from the inner source
};

class BlockCache final : public ByteSource {
 public:
  BlockCache(std::unique_ptr<ByteSource> inner, CacheOptions options = {});
  uint64_t size() const override { return size_; }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override;
  const CacheStats& stats() const { return stats_; }
  const CacheOptions& options() const { return options_; }
  ByteSource& inner() { return *inner_; }

 private:
  struct Block {
    uint64_t index;
    std::vector<uint8_t> bytes;  // shorter than block_size only for the last block
  };
  Result<const Block*> block(uint64_t index);

  std::unique_ptr<ByteSource> inner_;
  CacheOptions options_;
  uint64_t size_;
  size_t max_blocks_;
  unsigned block_shift_;
  std::list<Block> lru_;  // front = most recently used
  std::unordered_map<uint64_t, std::list<Block>::iterator> by_index_;
  CacheStats stats_;
};

}  // namespace kdmp
