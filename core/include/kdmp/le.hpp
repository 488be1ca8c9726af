// Explicit little-endian reads at named offsets. The caller checks bounds once per structure with `fits`;
// the reads themselves never cast file bytes onto structs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace kdmp::le {

inline bool fits(std::span<const uint8_t> bytes, size_t offset, size_t size) {
  return offset <= bytes.size() && size <= bytes.size() - offset;
}

inline uint8_t u8(std::span<const uint8_t> b, size_t off) { return fits(b, off, 1) ? b[off] : 0; }

inline uint16_t u16(std::span<const uint8_t> b, size_t off) {
  if (!fits(b, off, 2)) return 0;
  return static_cast<uint16_t>(b[off] | (b[off + 1] << 8));
}

inline uint32_t u32(std::span<const uint8_t> b, size_t off) {
  if (!fits(b, off, 4)) return 0;
  return static_cast<uint32_t>(b[off]) | (static_cast<uint32_t>(b[off + 1]) << 8) |
         (static_cast<uint32_t>(b[off + 2]) << 16) | (static_cast<uint32_t>(b[off + 3]) << 24);
}

inline uint64_t u64(std::span<const uint8_t> b, size_t off) {
  if (!fits(b, off, 8)) return 0;
  return static_cast<uint64_t>(u32(b, off)) | (static_cast<uint64_t>(u32(b, off + 4)) << 32);
}

inline void put16(std::span<uint8_t> b, size_t off, uint16_t v) {
  for (int i = 0; i < 2; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void put32(std::span<uint8_t> b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void put64(std::span<uint8_t> b, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace kdmp::le
