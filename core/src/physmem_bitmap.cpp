// The page bitmap with its rank directory, and the bitmap dumps' summary header (DumpType 5 and 6) at the header's
// end: 'SDMP' or 'FDMP' @+0, 'DUMP' @+4, FirstPage u64 @+0x20, TotalPresentPages u64 @+0x28, Pages (bits) u64
// @+0x30, the bitmap @+0x38. The n-th set bit's page lives at FirstPage + n * 0x1000.
#include <algorithm>
#include <bit>

#include "kdmp/le.hpp"
#include "kdmp/popcount.hpp"
#include "physmem_layouts.hpp"

namespace kdmp {

PageBitmap::PageBitmap(std::vector<uint64_t> words, uint64_t bit_count) : words_(std::move(words)), bits_(bit_count) {
  words_.resize((bits_ + 63) / 64);
  if (bits_ % 64 != 0) words_.back() &= (uint64_t{1} << (bits_ % 64)) - 1;  // bits past the end are no pages
  constexpr size_t kWordsPerBlock = kBlockBits / 64;
  // One entry past the last block, so that rank(bit_count) has a block to read when bit_count is a multiple of 512.
  directory_.resize(words_.size() / kWordsPerBlock + 1);
  uint64_t total = 0;
  for (size_t block = 0; block < directory_.size(); ++block) {
    BlockRank& entry = directory_[block];
    entry.before = total;
    uint64_t in_block = 0;
    for (size_t k = 0; k < kWordsPerBlock; ++k) {
      const size_t w = block * kWordsPerBlock + k;
      if (k != 0) entry.within |= in_block << (9 * (k - 1));
      if (w < words_.size()) in_block += popcount64(words_[w]);
    }
    total += in_block;
  }
  set_ = total;
}

uint64_t PageBitmap::rank(uint64_t bit) const {
  bit = std::min(bit, bits_);
  const BlockRank& entry = directory_[bit / kBlockBits];
  const uint64_t k = bit / 64 % (kBlockBits / 64);
  uint64_t r = entry.before;
  if (k != 0) r += entry.within >> (9 * (k - 1)) & 0x1ff;
  if (bit % 64 != 0) r += popcount64(words_[bit / 64] & ((uint64_t{1} << (bit % 64)) - 1));
  return r;
}

std::optional<uint64_t> PageBitmap::next_set(uint64_t from) const {
  if (from >= bits_) return std::nullopt;
  size_t w = from / 64;
  uint64_t word = words_[w] & (~uint64_t{0} << (from % 64));
  while (word == 0) {
    if (++w == words_.size()) return std::nullopt;
    word = words_[w];
  }
  return w * 64 + static_cast<uint64_t>(std::countr_zero(word));
}

void PageBitmap::for_each_range(const RangeCallback& callback) const {
  uint64_t pos = 0;
  while (auto start = next_set(pos)) {
    // The first clear bit after start; bits past bits_ are clear, so a set run never extends past the end.
    size_t w = *start / 64;
    uint64_t inverted = ~words_[w] & (~uint64_t{0} << (*start % 64));
    uint64_t end = bits_;
    while (true) {
      if (inverted != 0) {
        end = std::min<uint64_t>(bits_, w * 64 + static_cast<uint64_t>(std::countr_zero(inverted)));
        break;
      }
      if (++w == words_.size()) break;
      inverted = ~words_[w];
    }
    if (!callback({*start, end - *start})) return;
    pos = end;
  }
}

namespace physmem {

namespace {

constexpr uint32_t kSdmp = 0x504d4453;  // "SDMP"
constexpr uint32_t kFdmp = 0x504d4446;  // "FDMP"
constexpr uint32_t kDumpSig = 0x504d5544;  // "DUMP"

// Summary header field offsets, relative to the header's end.
constexpr uint64_t kSignature = 0x00, kValidDump = 0x04, kFirstPage = 0x20, kTotalPresentPages = 0x28,
                   kPages = 0x30, kBitmap = kBitmapSummarySize;

// 512 MiB of bitmap describe 16 TiB of RAM; anything larger is hostile or broken, and would not fit in wasm.
constexpr uint64_t kMaxBitmapBytes = uint64_t{512} << 20;

// Reads `bytes` bytes of bitmap at `offset` into little-endian words, in big chunks.
Result<std::vector<uint64_t>> read_words(BlockCache& file, uint64_t offset, uint64_t bytes) {
  constexpr size_t kChunk = 1 << 20;  // a multiple of 8
  std::vector<uint64_t> words(static_cast<size_t>((bytes + 7) / 8), 0);
  std::vector<uint8_t> chunk(static_cast<size_t>(std::min<uint64_t>(kChunk, bytes)));
  for (uint64_t done = 0; done < bytes;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, bytes - done));
    const std::span<uint8_t> part(chunk.data(), n);
    auto st = read_bulk(file, offset + done, part);
    if (!st.ok()) return st.error();
    const size_t first_word = static_cast<size_t>(done / 8);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) words[first_word + i / 8] = le::u64(part, i);
    for (; i < n; ++i) words[first_word + i / 8] |= static_cast<uint64_t>(part[i]) << (8 * (i % 8));
    done += n;
  }
  return words;
}

}  // namespace

Result<PhysicalIndex> index_bitmap(BlockCache& file, const DumpHeader& header, std::vector<Warning>& warnings) {
  const uint64_t base = header.header_size;
  const uint64_t file_size = file.size();
  uint8_t summary[kBitmap] = {};
  if (file_size < base + kBitmap) {
    return make_error(ErrorCode::BadBitmap,
                      "the file ends at " + hex(file_size) + ", before the end of the bitmap summary header at " +
                          hex(base) + " (" + hex(kBitmap) + " bytes)",
                      base);
  }
  auto st = read_exact(file, base, summary);
  if (!st.ok()) return st.error();

  const uint32_t signature = le::u32(summary, kSignature);
  if (signature != kSdmp && signature != kFdmp) {
    return make_error(ErrorCode::BadBitmap,
                      "expected the bitmap summary signature 'SDMP' or 'FDMP' at " + hex(base + kSignature) +
                          ", found " + hex(signature),
                      base + kSignature);
  }
  if (le::u32(summary, kValidDump) != kDumpSig) {
    return make_error(ErrorCode::BadBitmap,
                      "expected 'DUMP' at " + hex(base + kValidDump) + " in the bitmap summary header, found " +
                          hex(le::u32(summary, kValidDump)),
                      base + kValidDump);
  }
  const uint64_t first_page = le::u64(summary, kFirstPage);
  const uint64_t declared_present = le::u64(summary, kTotalPresentPages);
  const uint64_t bits = le::u64(summary, kPages);
  const uint64_t bitmap_at = base + kBitmap;

  if (bits > kMaxPfnCount) {
    return make_error(ErrorCode::BadBitmap,
                      "the bitmap's Pages at " + hex(base + kPages) + " claims " + hex(bits) +
                          " page frames, more than the 2^52 a physical address can name",
                      base + kPages);
  }
  const uint64_t bytes = (bits + 7) / 8;
  if (bytes > file_size - bitmap_at) {
    return make_error(ErrorCode::BadBitmap,
                      "the bitmap at " + hex(bitmap_at) + " needs " + hex(bytes) + " bytes for " + hex(bits) +
                          " pages (Pages at " + hex(base + kPages) + ") and would end at " + hex(bitmap_at + bytes) +
                          ", past the end of the file at " + hex(file_size),
                      base + kPages);
  }
  if (bytes > kMaxBitmapBytes) {
    return make_error(ErrorCode::BadBitmap,
                      "the bitmap at " + hex(bitmap_at) + " is " + hex(bytes) + " bytes (Pages at " +
                          hex(base + kPages) + "), more than the " + hex(kMaxBitmapBytes) + " kdmpview accepts",
                      base + kPages);
  }
  const uint64_t bitmap_end = bitmap_at + bytes;
  if (first_page < bitmap_end) {
    return make_error(ErrorCode::BadBitmap,
                      "FirstPage " + hex(first_page) + " at " + hex(base + kFirstPage) +
                          " points inside the bitmap summary header or bitmap, which end at " + hex(bitmap_end),
                      base + kFirstPage);
  }
  if (first_page % kPageSize != 0) {
    // Windows page-aligns it; the pages are still where FirstPage says, so read them from there.
    warnings.push_back({"bitmap-first-page-unaligned",
                        "FirstPage " + hex(first_page) + " at " + hex(base + kFirstPage) +
                            " is not page-aligned; pages are read from there as stated"});
  }

  auto words = read_words(file, bitmap_at, bytes);
  if (!words.ok()) return words.error();
  PageBitmap bitmap(std::move(words).value(), bits);
  if (bitmap.set_count() != declared_present) {
    warnings.push_back({"bitmap-page-count-mismatch",
                        "the summary header's TotalPresentPages at " + hex(base + kTotalPresentPages) + " says " +
                            hex(declared_present) + " pages but the bitmap at " + hex(bitmap_at) + " has " +
                            hex(bitmap.set_count()) + " bits set; kdmpview trusts the bitmap"});
  }
  auto span = check_data_span(first_page, bitmap.set_count(), ErrorCode::BadBitmap, base + kFirstPage);
  if (!span.ok()) return span.error();
  return PhysicalIndex(std::move(bitmap), first_page);
}

}  // namespace physmem
}  // namespace kdmp
