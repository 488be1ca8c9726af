// Finding a byte pattern in a buffer fast: 16 positions at a time compare the pattern's first and last bytes (SSE2
// natively, wasm SIMD in the browser; a scalar loop elsewhere), and only the candidates that pass are compared
// whole. The search over a dump's file, physical memory and virtual memory scans its chunks with it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kdmp {

class PatternScanner {
 public:
  explicit PatternScanner(std::span<const uint8_t> pattern) : pattern_(pattern.begin(), pattern.end()) {}
  size_t size() const { return pattern_.size(); }

  // Appends to `out` the index of every match in hay that starts before `starts_before` (the bytes from there on
  // only finish matches: the overlap with the next chunk), in order, until `out` holds `max_matches`.
  // Returns false when it stopped at that cap.
  bool find_all(std::span<const uint8_t> hay, size_t starts_before, size_t max_matches,
                std::vector<uint64_t>& out) const;

  // Whether this build compares 16 bytes at a time.
  static bool vectorized();

 private:
  std::vector<uint8_t> pattern_;
};

}  // namespace kdmp
