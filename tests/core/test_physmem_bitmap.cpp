// Bitmap dumps (DumpType 5 and 6): the rank directory, the layouts, the last partial byte, the broken cases.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <unistd.h>

#include "kdmp/native_source.hpp"
#include "test_physmem_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

TEST_CASE("PageBitmap rank matches a naive count across block boundaries") {
  constexpr uint64_t kBits = 5000;  // 9 blocks of 512 bits and a partial word
  std::vector<bool> naive(kBits);
  std::vector<uint64_t> words((kBits + 63) / 64, 0);
  std::mt19937_64 rng(7);
  for (uint64_t i = 0; i < kBits; ++i) {
    // Dense and sparse stretches, so whole zero and whole one words both occur.
    const bool set = (i / 700) % 3 == 0 ? true : (i / 700) % 3 == 1 ? false : (rng() & 1) != 0;
    naive[i] = set;
    if (set) words[i / 64] |= uint64_t{1} << (i % 64);
  }
  words.back() |= ~uint64_t{0} << (kBits % 64);  // garbage past the end is dropped
  PageBitmap bitmap(words, kBits);
  uint64_t count = 0;
  for (uint64_t i = 0; i <= kBits; ++i) {
    if (bitmap.rank(i) != count) FAIL("rank(" << i << ") = " << bitmap.rank(i) << ", expected " << count);
    if (i < kBits) {
      REQUIRE(bitmap.test(i) == naive[i]);
      count += naive[i] ? 1 : 0;
    }
  }
  CHECK(bitmap.set_count() == count);
  CHECK_FALSE(bitmap.test(kBits));
  CHECK_FALSE(bitmap.test(kBits + 3));

  // Ranges cover exactly the set bits.
  uint64_t covered = 0;
  uint64_t last_end = 0;
  bitmap.for_each_range([&](const PhysicalRange& r) {
    CHECK(r.first_pfn >= last_end);
    for (uint64_t p = r.first_pfn; p < r.first_pfn + r.page_count; ++p) CHECK(naive[p]);
    if (r.first_pfn > 0) CHECK_FALSE(naive[r.first_pfn - 1]);
    if (r.first_pfn + r.page_count < kBits) CHECK_FALSE(naive[r.first_pfn + r.page_count]);
    covered += r.page_count;
    last_end = r.first_pfn + r.page_count;
    return true;
  });
  CHECK(covered == count);
  CHECK(bitmap.next_set(700) == 1400 + [&] {
          uint64_t p = 1400;
          while (!naive[p]) ++p;
          return p - 1400;
        }());
  CHECK(bitmap.next_set(kBits) == std::nullopt);
}

TEST_CASE("PageBitmap: all ones, a multiple of 512 bits, and empty") {
  PageBitmap ones(std::vector<uint64_t>(16, ~uint64_t{0}), 1024);
  CHECK(ones.set_count() == 1024);
  CHECK(ones.rank(1024) == 1024);
  CHECK(ones.rank(513) == 513);
  int ranges = 0;
  ones.for_each_range([&](const PhysicalRange& r) {
    CHECK(r == PhysicalRange{0, 1024});
    ++ranges;
    return true;
  });
  CHECK(ranges == 1);
  PageBitmap empty({}, 0);
  CHECK(empty.set_count() == 0);
  CHECK(empty.rank(0) == 0);
  CHECK_FALSE(empty.next_set(0));
}

TEST_CASE("bitmap dumps: the n-th set bit's page lives at FirstPage + n * 0x1000") {
  // PFNs 0x0-0x3, 0x10-0x11, 0x100; a 0x21-byte bitmap at 0x2038, so FirstPage = 0x3000.
  auto check_layout = [](const std::string& name, uint32_t dump_type, uint32_t signature) {
    INFO(name);
    auto dump = open_fixture(name);
    REQUIRE(dump.ok());
    CHECK(dump->header().dump_type == dump_type);
    std::vector<uint8_t> sig(4);
    REQUIRE(dump->read_file(0x2000, sig).ok());
    CHECK(le::u32(sig, 0) == signature);
    CHECK(dump->physical_index().layout() == PhysicalLayout::Bitmap);
    CHECK(dump->physical_index().data_offset() == 0x3000);
    CHECK(dump->physical_page_count() == 7);
    CHECK(file_offset_of_page(*dump, 0x0) == 0x3000);
    CHECK(file_offset_of_page(*dump, 0x1) == 0x4000);
    CHECK(file_offset_of_page(*dump, 0x3) == 0x6000);
    CHECK(file_offset_of_page(*dump, 0x10) == 0x7000);
    CHECK(file_offset_of_page(*dump, 0x11) == 0x8000);
    CHECK(file_offset_of_page(*dump, 0x100) == 0x9000);
    CHECK_FALSE(file_offset_of_page(*dump, 0x4));
    CHECK_FALSE(file_offset_of_page(*dump, 0xff));
    CHECK_FALSE(file_offset_of_page(*dump, 0x101));
    CHECK(dump->physical_ranges() == std::vector<PhysicalRange>{{0x0, 4}, {0x10, 2}, {0x100, 1}});
    CHECK(u64_at(*dump, 0x100ff8) == 0x100ff8);
    CHECK(u64_at(*dump, 0x11000) == 0x11000);
    CHECK(dump->warnings().empty());
  };
  check_layout("bitmap-kernel.dmp", 6, 0x504d4453);     // SDMP
  check_layout("bitmap-full.dmp", 5, 0x504d4446);       // FDMP
  check_layout("bitmap-full-sdmp.dmp", 5, 0x504d4453);  // type 5 with SDMP
}

TEST_CASE("the page in the bitmap's last partial byte is kept") {
  // 0x45 bits: bytes 0-7 whole, byte 8 holds bits 0x40-0x44. PFNs 0x0-0x2, 0x40, 0x41, 0x44.
  auto dump = open_fixture("bitmap-partial-byte.dmp");
  REQUIRE(dump.ok());
  CHECK(dump->physical_page_count() == 6);
  CHECK(file_offset_of_page(*dump, 0x40) == 0x6000);
  CHECK(file_offset_of_page(*dump, 0x41) == 0x7000);
  CHECK(file_offset_of_page(*dump, 0x44) == 0x8000);
  CHECK(u64_at(*dump, 0x44000) == 0x44000);
  CHECK(u64_at(*dump, 0x44ff8) == 0x44ff8);
  CHECK(dump->physical_ranges() == std::vector<PhysicalRange>{{0x0, 3}, {0x40, 2}, {0x44, 1}});
  CHECK(dump->warnings().empty());
}

TEST_CASE("bits set past Pages in the last byte are not pages") {
  auto bytes = fixture_bytes("bitmap-partial-byte.dmp");
  bytes[0x2038 + 8] = 0xff;  // bits 0x40-0x47; only 0x40-0x44 are inside the 0x45 bits
  auto dump = open_bytes(bytes);
  REQUIRE(dump.ok());
  CHECK(dump->physical_page_count() == 8);  // 0x0-0x2 and 0x40-0x44
  CHECK(file_offset_of_page(*dump, 0x44));
  CHECK_FALSE(file_offset_of_page(*dump, 0x45));
  CHECK_FALSE(file_offset_of_page(*dump, 0x47));
  CHECK(has_warning(*dump, "bitmap-page-count-mismatch"));
}

TEST_CASE("32-bit bitmap dump: summary header at 0x1000") {
  auto dump = open_fixture("bitmap32.dmp");
  REQUIRE(dump.ok());
  CHECK_FALSE(dump->header().is64);
  CHECK(dump->physical_page_count() == 3);
  CHECK(file_offset_of_page(*dump, 0x0) == 0x2000);
  CHECK(file_offset_of_page(*dump, 0x1) == 0x3000);
  CHECK(file_offset_of_page(*dump, 0x7) == 0x4000);
  CHECK(u64_at(*dump, 0x7ff0) == 0x7ff0);
}

TEST_CASE("broken bitmaps") {
  SECTION("a bitmap larger than the file") {
    auto r = open_fixture("bitmap-larger-than-file.dmp");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadBitmap);
    CHECK(r.error().where == 0x2030);
    // The bitmap at 0x2038 needs 0x200000 bytes, would end at 0x202038; the file ends at 0xa000.
    CHECK_THAT(r.error().message, Catch::Contains("0x2038") && Catch::Contains("0x200000") &&
                                      Catch::Contains("0x202038") && Catch::Contains("0xa000"));
  }
  SECTION("more bits than 2^52 page frames") {
    auto bytes = fixture_bytes("bitmap-kernel.dmp");
    le::put64(bytes, 0x2030, uint64_t{1} << 60);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadBitmap);
    CHECK(r.error().where == 0x2030);
  }
  SECTION("FirstPage inside the bitmap") {
    auto bytes = fixture_bytes("bitmap-kernel.dmp");
    le::put64(bytes, 0x2020, 0x2040);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadBitmap);
    CHECK(r.error().where == 0x2020);
    CHECK_THAT(r.error().message, Catch::Contains("0x2040") && Catch::Contains("0x2059"));
  }
  SECTION("a bad summary signature") {
    auto bytes = fixture_bytes("bitmap-kernel.dmp");
    le::put32(bytes, 0x2000, 0x504d4458);  // "XDMP"
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadBitmap);
    CHECK(r.error().where == 0x2000);
    CHECK_THAT(r.error().message, Catch::Contains("SDMP") && Catch::Contains("0x504d4458"));
  }
  SECTION("a missing DUMP") {
    auto bytes = fixture_bytes("bitmap-kernel.dmp");
    le::put32(bytes, 0x2004, 0);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().where == 0x2004);
  }
  SECTION("a file that ends inside the summary header") {
    auto bytes = fixture_bytes("bitmap-kernel.dmp");
    bytes.resize(0x2020);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadBitmap);
    CHECK_THAT(r.error().message, Catch::Contains("0x2020"));
  }
}

TEST_CASE("bitmap oddities that still open") {
  SECTION("TotalPresentPages disagreeing with the bitmap: the bitmap wins") {
    auto dump = open_fixture("bitmap-page-count-mismatch.dmp");
    REQUIRE(dump.ok());
    CHECK(dump->physical_page_count() == 7);
    CHECK_THAT(warning_text(*dump, "bitmap-page-count-mismatch"),
               Catch::Contains("0x2028") && Catch::Contains("0x9") && Catch::Contains("0x7"));
  }
  SECTION("an unaligned FirstPage is used as stated") {
    auto bytes = fixture_bytes("bitmap-kernel.dmp");
    le::put64(bytes, 0x2020, 0x2f00);
    auto dump = open_bytes(bytes);
    REQUIRE(dump.ok());
    CHECK(has_warning(*dump, "bitmap-first-page-unaligned"));
    CHECK(file_offset_of_page(*dump, 0x0) == 0x2f00);
    CHECK(file_offset_of_page(*dump, 0x100) == 0x8f00);
  }
}

TEST_CASE("the sparse bitmap dump: every page present, page data a hole") {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("kdmpview-sparse-test-" + std::to_string(::getpid()) + ".dmp"))
          .string();
  write_sparse_bitmap_dump(path, 1);
  struct Remove {
    std::string p;
    ~Remove() { std::filesystem::remove(p); }
  } remove{path};
  CHECK(std::filesystem::file_size(path) == sparse_bitmap_first_page(1) + (uint64_t{1} << 30));
  auto source = open_file_source(path, FileReaderKind::File);
  REQUIRE(source.ok());
  auto dump = Dump::open(std::move(source).value());
  REQUIRE(dump.ok());
  CHECK(dump->warnings().empty());
  CHECK(dump->physical_page_count() == 0x40000);
  CHECK(dump->physical_index().data_offset() == 0xb000);  // 0x2038 + 32 KiB of bitmap = 0xa038, page-aligned
  CHECK(dump->physical_ranges() == std::vector<PhysicalRange>{{0, 0x40000}});
  CHECK(file_offset_of_page(*dump, 0x3ffff) == 0xb000 + 0x3ffffull * 0x1000);
  CHECK(u64_at(*dump, 0x3ffff000) == 0);  // the hole reads as zeros
  CHECK_FALSE(file_offset_of_page(*dump, 0x40000));
  CHECK(dump->physical_index().index_memory_bytes() < 42 * 1024);  // 32 KiB of bitmap + its rank9 directory (25%)
}
