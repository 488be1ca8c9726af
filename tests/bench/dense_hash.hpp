// The cheap hash every read workload of issue 11 folds its pages into (sum and xor of the u64 words), shared by the
// Google Benchmark programs and kdmp_workload so that the figure is the reading, not the hashing, and so that the
// hash printed by kdmp_workload equals the peers' drivers' (they fold pages the same way).
#pragma once
#include <cstdint>
#include <cstring>
#include <span>

namespace kdmp::bench {

inline uint64_t hash_page(std::span<const uint8_t> bytes, uint64_t h) {
  uint64_t sum = 0, x = 0;
  for (size_t i = 0; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;  // the host is little-endian (x86-64, as the peers' drivers assume): no per-word bounds check
    std::memcpy(&w, bytes.data() + i, 8);
    sum += w;
    x ^= w;
  }
  return (h ^ sum) * 0x100000001b3 + x;
}

}  // namespace kdmp::bench
