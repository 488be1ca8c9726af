#include "kdmp/block_cache.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace kdmp {

BlockCache::BlockCache(std::unique_ptr<ByteSource> inner, CacheOptions options)
    : inner_(std::move(inner)), options_(options), size_(inner_->size()), viewable_(inner_->can_view()) {
  if (viewable_) {
    options_.block_size = 0;
    options_.read_ahead = 0;
    return;
  }
  const ReadHint hint = inner_->read_hint();
  if (options_.block_size == 0) options_.block_size = hint.block_size;
  if (options_.block_size < 512 || !std::has_single_bit(options_.block_size)) options_.block_size = 64 * 1024;
  if (options_.read_ahead == SIZE_MAX) options_.read_ahead = hint.read_ahead;
  block_shift_ = static_cast<unsigned>(std::countr_zero(options_.block_size));
  max_blocks_ = std::clamp<size_t>(options_.budget / options_.block_size, 2, kNone - 1);
  // The window never holds more than a quarter of the cache, so one read-ahead cannot flush it.
  options_.read_ahead = std::min(options_.read_ahead, max_blocks_ / 4 * options_.block_size);
  if (options_.read_ahead < 2 * options_.block_size) options_.read_ahead = 0;
}

void BlockCache::unlink(uint32_t slot) {
  Slot& s = slots_[slot];
  (s.prev == kNone ? head_ : slots_[s.prev].next) = s.next;
  (s.next == kNone ? tail_ : slots_[s.next].prev) = s.prev;
  s.prev = s.next = kNone;
}

void BlockCache::link_front(uint32_t slot) {
  Slot& s = slots_[slot];
  s.prev = kNone;
  s.next = head_;
  if (head_ != kNone) slots_[head_].prev = slot;
  head_ = slot;
  if (tail_ == kNone) tail_ = slot;
}

void BlockCache::link_back(uint32_t slot) {
  Slot& s = slots_[slot];
  s.next = kNone;
  s.prev = tail_;
  if (tail_ != kNone) slots_[tail_].next = slot;
  tail_ = slot;
  if (head_ == kNone) head_ = slot;
}

uint32_t BlockCache::take_slot() {
  if (slots_.size() < max_blocks_) {
    slots_.emplace_back().bytes.reset(new uint8_t[options_.block_size]);
    return static_cast<uint32_t>(slots_.size() - 1);
  }
  const uint32_t victim = tail_;  // never kNone: every slot handed out is back in the list between reads
  unlink(victim);
  by_index_.erase(slots_[victim].index);
  if (last_slot_ == victim) last_index_ = UINT64_MAX;
  return victim;
}

Result<uint32_t> BlockCache::find_or_load(uint64_t index) {
  if (index == last_index_) {
    ++stats_.hits;
    return last_slot_;
  }
  if (auto it = by_index_.find(index); it != by_index_.end()) {
    ++stats_.hits;
    const uint32_t slot = it->second;
    if (slot != head_) {
      unlink(slot);
      link_front(slot);
    }
    last_index_ = index;
    last_slot_ = slot;
    return slot;
  }
  auto slot = load(index);
  if (slot.ok()) {
    last_index_ = index;
    last_slot_ = *slot;
  }
  return slot;
}

Result<uint32_t> BlockCache::load(uint64_t index) {
  ++stats_.misses;
  const size_t block = options_.block_size;
  const uint64_t last_block = (size_ - 1) >> block_shift_;
  // A miss right after the previous miss's window continues a sequential run: double the window.
  window_blocks_ = index == next_sequential_ ? std::min(window_blocks_ * 2, options_.read_ahead / block) : 1;
  if (window_blocks_ == 0) window_blocks_ = 1;
  size_t blocks = 1;
  while (blocks < window_blocks_ && index + blocks <= last_block && !by_index_.contains(index + blocks)) ++blocks;
  next_sequential_ = index + blocks;

  const uint64_t start = index << block_shift_;
  const size_t want = clip_to(size_, start, blocks * block);
  uint8_t* target;
  if (blocks == 1) {
    const uint32_t slot = take_slot();
    target = bytes_of(slot);
    auto got = inner_->read(start, std::span<uint8_t>(target, want));
    if (!got.ok()) {
      // Back to the list as the least recently used, indexed by nothing: the next miss takes it first.
      slots_[slot].index = UINT64_MAX;
      slots_[slot].length = 0;
      link_back(slot);
      return got.error();
    }
    stats_.bytes_read += *got;
    slots_[slot].index = index;
    slots_[slot].length = *got;
    link_front(slot);
    by_index_[index] = slot;
    return slot;
  }
  if (!staging_) staging_.reset(new uint8_t[options_.read_ahead]);
  auto got = inner_->read(start, std::span<uint8_t>(staging_.get(), want));
  if (!got.ok()) return got.error();
  stats_.bytes_read += *got;
  // Hand the window out to blocks, the first one last so that it ends up most recent.
  uint32_t first = kNone;
  for (size_t b = blocks; b-- > 0;) {
    const size_t from = b * block;
    if (from >= *got && b != 0) continue;
    const size_t length = from >= *got ? 0 : std::min(block, *got - from);
    const uint32_t slot = take_slot();
    std::memcpy(bytes_of(slot), staging_.get() + from, length);
    slots_[slot].index = index + b;
    slots_[slot].length = length;
    link_front(slot);
    by_index_[index + b] = slot;
    if (b == 0) first = slot;
  }
  return first;
}

Result<size_t> BlockCache::read(uint64_t offset, std::span<uint8_t> out) {
  if (viewable_) {
    const auto bytes = inner_->view(offset, out.size());
    if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    ++stats_.direct_reads;
    return bytes.size();
  }
  const size_t block = options_.block_size;
  if (out.size() >= 2 * block) {
    ++stats_.direct_reads;
    auto got = inner_->read(offset, out);
    if (got.ok()) stats_.bytes_read += *got;
    return got;
  }
  size_t done = 0;
  while (done < out.size() && offset + done < size_) {
    const uint64_t pos = offset + done;
    auto slot = find_or_load(pos >> block_shift_);
    if (!slot.ok()) return slot.error();
    const Slot& s = slots_[*slot];
    const size_t in_block = static_cast<size_t>(pos & (block - 1));
    if (in_block >= s.length) break;  // the source returned less than its size claimed
    const size_t n = std::min(out.size() - done, s.length - in_block);
    std::memcpy(out.data() + done, bytes_of(*slot) + in_block, n);
    done += n;
  }
  return done;
}

}  // namespace kdmp
