// The byte source: everything kdmpview reads comes through this interface (a file, a JS Blob, an HTTP range
// reader, a memory buffer). The dump never has to be in memory as a whole.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "kdmp/result.hpp"

namespace kdmp {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Reads up to out.size() bytes at offset; returns how many were read (fewer only at the end of the source).
  virtual Result<size_t> read(uint64_t offset, std::span<uint8_t> out) = 0;
};

// A source over bytes the caller owns (tests, and small buffers handed over from JS).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override;

 private:
  std::span<const uint8_t> bytes_;
};

// Reads exactly out.size() bytes or fails with FileTooSmall naming the offset.
Status read_exact(ByteSource& source, uint64_t offset, std::span<uint8_t> out);
Result<std::vector<uint8_t>> read_vector(ByteSource& source, uint64_t offset, size_t size);

}  // namespace kdmp
