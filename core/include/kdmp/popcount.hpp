// Counting set bits without a library call. On baseline x86-64 (no POPCNT, as Debian builds) std::popcount becomes
// a call into libgcc's table-driven __popcountdi2, which page lookups paid several times per virtual read; the
// SWAR count below is inlined and branch-free. Where the instruction exists (wasm, ARM, -mpopcnt) it is used.
#pragma once
#include <bit>
#include <cstdint>

namespace kdmp {

inline unsigned popcount64(uint64_t x) {
#if defined(__x86_64__) && !defined(__POPCNT__)
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
#else
  return static_cast<unsigned>(std::popcount(x));
#endif
}

}  // namespace kdmp
