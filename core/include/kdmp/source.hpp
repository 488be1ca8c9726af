// The byte source: everything kdmpview reads comes through this interface (a file, a JS Blob, an HTTP range
// reader, a memory buffer). The dump never has to be in memory as a whole.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "kdmp/result.hpp"

namespace kdmp {

// How a source likes to be read, for the block cache in front of it: the block a random read fetches (small where
// a read costs about its size, large where each call has a high fixed cost) and how far a run of sequential
// misses may read ahead in one call (0: never). For batched reads (batch_read.hpp): two wanted stretches of the
// file at most coalesce_gap bytes apart are read in one call, the bytes between them included (a call's fixed
// cost times the source's bandwidth: reading the gap costs less than a second call).
struct ReadHint {
  size_t block_size = 64 * 1024;
  size_t read_ahead = 4 * 1024 * 1024;
  size_t coalesce_gap = 64 * 1024;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Reads up to out.size() bytes at offset; returns how many were read (fewer only at the end of the source).
  virtual Result<size_t> read(uint64_t offset, std::span<uint8_t> out) = 0;

  // Zero-copy access for sources whose bytes are in memory already (a mapping, a buffer): can_view() says so once
  // and for all, and view() then returns the bytes at [offset, offset + size) clipped to the end of the source
  // (empty past it), valid as long as the source lives. Other sources return an empty span.
  virtual bool can_view() const { return false; }
  virtual std::span<const uint8_t> view(uint64_t /*offset*/, size_t /*size*/) const { return {}; }

  virtual ReadHint read_hint() const { return {}; }
};

// A source over bytes the caller owns (tests, and small buffers handed over from JS).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override;
  bool can_view() const override { return true; }
  std::span<const uint8_t> view(uint64_t offset, size_t size) const override;

 private:
  std::span<const uint8_t> bytes_;
};

// The part of [offset, offset + size) inside a source of source_size bytes: how view() clips.
inline size_t clip_to(uint64_t source_size, uint64_t offset, size_t size) {
  return offset >= source_size ? 0 : static_cast<size_t>(size < source_size - offset ? size : source_size - offset);
}

// Reads exactly out.size() bytes or fails with FileTooSmall naming the offset.
Status read_exact(ByteSource& source, uint64_t offset, std::span<uint8_t> out);
Result<std::vector<uint8_t>> read_vector(ByteSource& source, uint64_t offset, size_t size);

}  // namespace kdmp
