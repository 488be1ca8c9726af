#include "kdmp/block_cache.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace kdmp {

BlockCache::BlockCache(std::unique_ptr<ByteSource> inner, CacheOptions options)
    : inner_(std::move(inner)), options_(options), size_(inner_->size()) {
  if (options_.block_size < 512 || !std::has_single_bit(options_.block_size)) options_.block_size = 256 * 1024;
  block_shift_ = static_cast<unsigned>(std::countr_zero(options_.block_size));
  max_blocks_ = std::max<size_t>(2, options_.budget / options_.block_size);
}

Result<const BlockCache::Block*> BlockCache::block(uint64_t index) {
  if (auto it = by_index_.find(index); it != by_index_.end()) {
    ++stats_.hits;
    lru_.splice(lru_.begin(), lru_, it->second);
    return &*it->second;
  }
  ++stats_.misses;
  const uint64_t start = index << block_shift_;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(options_.block_size, size_ - start));
  // Reuse the least recently used block's buffer once the budget is reached.
  std::vector<uint8_t> bytes;
  if (lru_.size() >= max_blocks_) {
    by_index_.erase(lru_.back().index);
    bytes = std::move(lru_.back().bytes);
    lru_.pop_back();
  }
  bytes.resize(want);
  auto got = inner_->read(start, bytes);
  if (!got.ok()) return got.error();
  stats_.bytes_read += *got;
  bytes.resize(*got);
  lru_.push_front(Block{index, std::move(bytes)});
  by_index_[index] = lru_.begin();
  return &lru_.front();
}

Result<size_t> BlockCache::read(uint64_t offset, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size() && offset + done < size_) {
    const uint64_t pos = offset + done;
    auto blk = block(pos >> block_shift_);
    if (!blk.ok()) return blk.error();
    const Block& b = **blk;
    const size_t in_block = static_cast<size_t>(pos & (options_.block_size - 1));
    if (in_block >= b.bytes.size()) break;  // the source returned less than its size claimed
    const size_t n = std::min(out.size() - done, b.bytes.size() - in_block);
    std::memcpy(out.data() + done, b.bytes.data() + in_block, n);
    done += n;
  }
  return done;
}

}  // namespace kdmp
