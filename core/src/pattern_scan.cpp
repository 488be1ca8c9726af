#include "kdmp/pattern_scan.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define KDMP_SCAN_SIMD 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#define KDMP_SCAN_SIMD 1
#endif

namespace kdmp {

namespace {

#if defined(KDMP_SCAN_SIMD)
// Bit k set when hay[k] == first and hay[k + last] == last_byte, for k in 0..15.
inline uint32_t candidates(const uint8_t* at, size_t last, uint8_t first, uint8_t last_byte) {
#if defined(__wasm_simd128__)
  const v128_t a = wasm_v128_load(at);
  const v128_t b = wasm_v128_load(at + last);
  const v128_t hit = wasm_v128_and(wasm_i8x16_eq(a, wasm_i8x16_splat(static_cast<int8_t>(first))),
                                   wasm_i8x16_eq(b, wasm_i8x16_splat(static_cast<int8_t>(last_byte))));
  return wasm_i8x16_bitmask(hit);
#else
  const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + last));
  const __m128i hit = _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8(static_cast<char>(first))),
                                    _mm_cmpeq_epi8(b, _mm_set1_epi8(static_cast<char>(last_byte))));
  return static_cast<uint32_t>(_mm_movemask_epi8(hit));
#endif
}
#endif

}  // namespace

bool PatternScanner::vectorized() {
#if defined(KDMP_SCAN_SIMD)
  return true;
#else
  return false;
#endif
}

bool PatternScanner::find_all(std::span<const uint8_t> hay, size_t starts_before, size_t max_matches,
                              std::vector<uint64_t>& out) const {
  const size_t m = pattern_.size();
  if (m == 0 || hay.size() < m) return true;
  // Starts k with k < starts_before and k + m <= hay.size().
  const size_t end = std::min(starts_before, hay.size() - m + 1);
  const uint8_t* h = hay.data();
  const uint8_t* p = pattern_.data();
  const size_t last = m - 1;
  auto matches_at = [&](size_t k) { return std::memcmp(h + k, p, m) == 0; };
  size_t k = 0;
#if defined(KDMP_SCAN_SIMD)
  // 16 starts at a time while their 16-byte loads (at k and at k + last) stay inside hay.
  while (k + 16 <= end && k + last + 16 <= hay.size()) {
    uint32_t mask = candidates(h + k, last, p[0], p[last]);
    while (mask != 0) {
      const size_t at = k + static_cast<size_t>(std::countr_zero(mask));
      mask &= mask - 1;
      if (matches_at(at)) {
        if (out.size() >= max_matches) return false;
        out.push_back(at);
      }
    }
    k += 16;
  }
#endif
  for (; k < end; ++k) {
    if (h[k] == p[0] && h[k + last] == p[last] && matches_at(k)) {
      if (out.size() >= max_matches) return false;
      out.push_back(k);
    }
  }
  return true;
}

}  // namespace kdmp
