#include "kdmp/source.hpp"

#include <algorithm>
#include <cstring>

namespace kdmp {

Result<size_t> MemorySource::read(uint64_t offset, std::span<uint8_t> out) {
  if (offset >= bytes_.size() || out.empty()) return size_t{0};
  const size_t n = static_cast<size_t>(std::min<uint64_t>(out.size(), bytes_.size() - offset));
  std::memcpy(out.data(), bytes_.data() + offset, n);
  return n;
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
