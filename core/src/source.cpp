#include "kdmp/source.hpp"

#include <algorithm>
#include <cstring>

namespace kdmp {

Result<size_t> MemorySource::read(uint64_t offset, std::span<uint8_t> out) {
  const size_t n = clip_to(bytes_.size(), offset, out.size());
  if (n != 0) std::memcpy(out.data(), bytes_.data() + offset, n);
  return n;
}

std::span<const uint8_t> MemorySource::view(uint64_t offset, size_t size) const {
  const size_t n = clip_to(bytes_.size(), offset, size);
  return n == 0 ? std::span<const uint8_t>{} : bytes_.subspan(static_cast<size_t>(offset), n);
}

Status read_exact(ByteSource& source, uint64_t offset, std::span<uint8_t> out) {
  auto got = source.read(offset, out);
  if (!got.ok()) return got.error();
  if (*got != out.size()) {
    return make_error(ErrorCode::FileTooSmall,
                      "file ends at " + hex(source.size()) + ", needed " + std::to_string(out.size()) +
                          " bytes at " + hex(offset),
                      offset);
  }
  return Ok{};
}

Result<std::vector<uint8_t>> read_vector(ByteSource& source, uint64_t offset, size_t size) {
  std::vector<uint8_t> bytes(size);
  auto status = read_exact(source, offset, bytes);
  if (!status.ok()) return status.error();
  return bytes;
}

}  // namespace kdmp
