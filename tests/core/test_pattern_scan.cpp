// The pattern scanner against a plain byte-by-byte search: every length, place and cap.
#include <catch2/catch.hpp>

#include <random>

#include "kdmp/pattern_scan.hpp"

using namespace kdmp;

namespace {
std::vector<uint64_t> naive(const std::vector<uint8_t>& hay, const std::vector<uint8_t>& pat, size_t before) {
  std::vector<uint64_t> out;
  for (size_t k = 0; k + pat.size() <= hay.size() && k < before; ++k) {
    if (std::equal(pat.begin(), pat.end(), hay.begin() + static_cast<ptrdiff_t>(k))) out.push_back(k);
  }
  return out;
}
}  // namespace

TEST_CASE("the scanner finds what a byte-by-byte search finds") {
  std::mt19937_64 rng(21);
  for (int round = 0; round < 400; ++round) {
    // A small alphabet so that matches and near-matches are common.
    std::vector<uint8_t> hay(rng() % 300);
    for (auto& b : hay) b = static_cast<uint8_t>(rng() % 3);
    std::vector<uint8_t> pat(1 + rng() % 6);
    for (auto& b : pat) b = static_cast<uint8_t>(rng() % 3);
    const size_t before = round % 4 == 0 ? rng() % (hay.size() + 1) : SIZE_MAX;
    INFO("round " << round);
    std::vector<uint64_t> got;
    CHECK(PatternScanner(pat).find_all(hay, before, SIZE_MAX, got));
    CHECK(got == naive(hay, pat, before));
  }
}

TEST_CASE("matches at the very start and end of the buffer, and the cap") {
  std::vector<uint8_t> hay(100, 0x41);
  const std::vector<uint8_t> pat = {0x41, 0x41, 0x41};
  std::vector<uint64_t> got;
  CHECK(PatternScanner(pat).find_all(hay, SIZE_MAX, SIZE_MAX, got));
  REQUIRE(got.size() == 98);
  CHECK(got.front() == 0);
  CHECK(got.back() == 97);
  got.clear();
  CHECK_FALSE(PatternScanner(pat).find_all(hay, SIZE_MAX, 10, got));  // there were more
  CHECK(got.size() == 10);
  got.clear();
  CHECK(PatternScanner(pat).find_all(hay, 98, 98, got));  // exactly the cap and no more
  CHECK(got.size() == 98);
  got.clear();
  CHECK(PatternScanner(std::vector<uint8_t>(101, 0x41)).find_all(hay, SIZE_MAX, SIZE_MAX, got));
  CHECK(got.empty());
  CHECK(PatternScanner({}).find_all(hay, SIZE_MAX, SIZE_MAX, got));
  CHECK(got.empty());
}
