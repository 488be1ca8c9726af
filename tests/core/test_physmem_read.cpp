// Physical reads through Dump: across pages, into missing pages, from truncated files, and from triage dumps.
#include <catch2/catch.hpp>

#include "test_physmem_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
// A pair of present, PFN-adjacent pages per layout: reads crossing from the first into the second.
struct Case {
  const char* fixture;
  uint64_t first_pfn;  // this page and the next are present
};
constexpr Case kCases[] = {
    {"full-two-runs.dmp", 0x1},    {"full32.dmp", 0x0},          {"bitmap-kernel.dmp", 0x10},
    {"bitmap-full.dmp", 0x2},      {"bitmap-partial-byte.dmp", 0x40}, {"rdmp-kernel.dmp", 0x1},
    {"rdmp-kernel-and-user.dmp", 0x20}, {"rdmp-complete.dmp", 0x1002},
};
}  // namespace

TEST_CASE("reads crossing a page boundary are exact in every layout") {
  for (const Case& c : kCases) {
    INFO(c.fixture);
    auto dump = open_fixture(c.fixture);
    REQUIRE(dump.ok());
    // 0x20 bytes at page offset 0xff8: 8 bytes from the first page, 0x18 from the second.
    const uint64_t gpa = c.first_pfn * 0x1000 + 0xff8;
    std::vector<uint8_t> out(0x20);
    REQUIRE(dump->read_physical_exact(Gpa(gpa), out).ok());
    for (size_t i = 0; i < out.size(); i += 8) CHECK(le::u64(out, i) == gpa + i);
    auto n = dump->read_physical(Gpa(gpa), out);
    REQUIRE(n.ok());
    CHECK(*n == 0x20);
    // An unaligned start: the bytes still land where they belong.
    std::vector<uint8_t> odd(0x13);
    REQUIRE(dump->read_physical_exact(Gpa(gpa + 3), odd).ok());
    CHECK(holds_pattern(odd, gpa + 3));
  }
}

TEST_CASE("0x2000 bytes at page offset 0x10 span three pages") {
  for (const char* name : {"full-two-runs.dmp", "bitmap-kernel.dmp", "rdmp-complete.dmp"}) {
    INFO(name);
    auto dump = open_fixture(name);
    REQUIRE(dump.ok());
    // PFNs 0x1-0x3 are present in all three.
    std::vector<uint8_t> out(0x2000);
    REQUIRE(dump->read_physical_exact(Gpa(0x1010), out).ok());
    CHECK(holds_pattern(out, 0x1010));
    CHECK(le::u64(out, 0) == 0x1010);
    CHECK(le::u64(out, 0x1ff8) == 0x3008);
  }
}

TEST_CASE("reads into a missing page") {
  auto dump = open_fixture("full-two-runs.dmp");
  REQUIRE(dump.ok());
  // PFN 0x4 is present, 0x5 is not; 0x5 is not 0x10 either, though 0x10's page follows 0x4's in the file.
  std::vector<uint8_t> out(0x20, 0xcc);
  auto n = dump->read_physical(Gpa(0x4ff8), out);
  REQUIRE(n.ok());
  CHECK(*n == 8);
  CHECK(le::u64(out, 0) == 0x4ff8);
  auto exact = dump->read_physical_exact(Gpa(0x4ff8), out);
  REQUIRE_FALSE(exact.ok());
  CHECK(exact.error().code == ErrorCode::PageNotInDump);
  CHECK(exact.error().where == 0x5000);
  CHECK_THAT(exact.error().message, Catch::Contains("0x5000"));

  // Starting in a missing page: nothing to return, so an error at the start address.
  auto none = dump->read_physical(Gpa(0x5123), out);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::PageNotInDump);
  CHECK(none.error().where == 0x5123);

  // A read that ends exactly at the last present byte succeeds.
  std::vector<uint8_t> tail(8);
  CHECK(dump->read_physical_exact(Gpa(0x11ff8), tail).ok());
  CHECK_FALSE(dump->read_physical_exact(Gpa(0x11ffc), tail).ok());

  // Addresses at the top of the 64-bit space neither wrap nor crash.
  std::vector<uint8_t> buf(0x10);
  auto top = dump->read_physical(Gpa(0xfffffffffffffff8), buf);
  REQUIRE_FALSE(top.ok());
  CHECK(top.error().code == ErrorCode::PageNotInDump);
  CHECK(dump->read_physical(Gpa(0x1000), std::span<uint8_t>()).value() == 0);
}

TEST_CASE("a missing page in a bitmap dump stops the read at its first byte") {
  auto dump = open_fixture("bitmap-kernel.dmp");
  REQUIRE(dump.ok());
  std::vector<uint8_t> out(0x3000);
  auto n = dump->read_physical(Gpa(0x10800), out);  // 0x10, 0x11 present, 0x12 not
  REQUIRE(n.ok());
  CHECK(*n == 0x1800);
  CHECK(holds_pattern(std::span<const uint8_t>(out).first(0x1800), 0x10800));
  auto exact = dump->read_physical_exact(Gpa(0x10800), out);
  REQUIRE_FALSE(exact.ok());
  CHECK(exact.error().where == 0x12000);
}

TEST_CASE("truncated files open; the pages past the end fail to read") {
  SECTION("full") {
    // 6 pages stored from 0x2000; the file stops at 0x6800, halfway through PFN 0x10's page.
    auto dump = open_fixture("full-truncated.dmp");
    REQUIRE(dump.ok());
    CHECK(dump->file_size() == 0x6800);
    CHECK(has_warning(*dump, "file-truncated"));
    CHECK_THAT(warning_text(*dump, "pages-truncated"), Catch::StartsWith("2 of 6 physical pages"));
    CHECK(dump->physical_page_count() == 6);
    CHECK(u64_at(*dump, 0x4ff8) == 0x4ff8);
    std::vector<uint8_t> buf(8);
    auto r = dump->read_physical(Gpa(0x10000), buf);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::FileEndsEarly);
    CHECK(r.error().where == 0x10000);
    CHECK_THAT(r.error().message, Catch::Contains("physical page 0x10 is not in the dump") &&
                                      Catch::Contains("truncated at 0x6800") && Catch::Contains("0x6000"));
    // The index still says where the page belongs.
    CHECK(file_offset_of_page(*dump, 0x10) == 0x6000);
  }
  SECTION("bitmap") {
    auto dump = open_fixture("bitmap-truncated.dmp");
    REQUIRE(dump.ok());
    CHECK_THAT(warning_text(*dump, "pages-truncated"), Catch::StartsWith("1 of 7"));
    CHECK(u64_at(*dump, 0x11ff8) == 0x11ff8);
    std::vector<uint8_t> buf(8);
    auto r = dump->read_physical_exact(Gpa(0x100000), buf);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::FileEndsEarly);
    CHECK(r.error().where == 0x100000);
  }
  SECTION("RDMP: a read stops at the first page past the end") {
    auto dump = open_fixture("rdmp-truncated.dmp");
    REQUIRE(dump.ok());
    CHECK_THAT(warning_text(*dump, "pages-truncated"), Catch::StartsWith("2 of 9"));
    std::vector<uint8_t> out(0x20);
    auto n = dump->read_physical(Gpa(0x1001ff8), out);
    REQUIRE(n.ok());
    CHECK(*n == 8);
    auto exact = dump->read_physical_exact(Gpa(0x1001ff8), out);
    REQUIRE_FALSE(exact.ok());
    CHECK(exact.error().code == ErrorCode::FileEndsEarly);
    CHECK(exact.error().where == 0x1002000);
  }
}

TEST_CASE("a triage dump opens with no physical memory") {
  auto dump = open_fixture("triage-header-only.dmp");
  REQUIRE(dump.ok());
  CHECK(dump->header().dump_type == 4);
  CHECK_FALSE(dump->has_physical_memory());
  CHECK(dump->physical_page_count() == 0);
  CHECK(dump->physical_ranges().empty());
  CHECK_FALSE(dump->physical_to_file(Gpa(0)));
  std::vector<uint8_t> out(8);
  auto r = dump->read_physical(Gpa(0x1000), out);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::Unsupported);
  CHECK(r.error().message == "a triage dump holds no physical memory");
  auto exact = dump->read_physical_exact(Gpa(0x1000), out);
  REQUIRE_FALSE(exact.ok());
  CHECK(exact.error().code == ErrorCode::Unsupported);
  // The header-only triage block warns about its own empty sections, never about physical pages.
  REQUIRE(dump->triage() != nullptr);
  for (const Warning& w : dump->warnings()) {
    CHECK(w.code.rfind("triage-", 0) == 0);
  }
}

TEST_CASE("iterating present pages and ranges") {
  auto dump = open_fixture("bitmap-kernel.dmp");
  REQUIRE(dump.ok());
  std::vector<uint64_t> pfns;
  dump->for_each_physical_page([&](uint64_t pfn) {
    pfns.push_back(pfn);
    return true;
  });
  CHECK(pfns == std::vector<uint64_t>{0x0, 0x1, 0x2, 0x3, 0x10, 0x11, 0x100});
  pfns.clear();
  dump->for_each_physical_page([&](uint64_t pfn) {
    pfns.push_back(pfn);
    return pfns.size() < 5;  // stop after five
  });
  CHECK(pfns.size() == 5);
  int ranges = 0;
  dump->for_each_physical_range([&](const PhysicalRange&) { return ++ranges < 2; });
  CHECK(ranges == 2);
  CHECK(dump->next_physical_page(0x4) == 0x10);
  CHECK(dump->next_physical_page(0x11) == 0x11);
  CHECK(dump->next_physical_page(0x12) == 0x100);
  CHECK_FALSE(dump->next_physical_page(0x101));

  auto runs = open_fixture("rdmp-kernel.dmp");
  REQUIRE(runs.ok());
  CHECK(runs->next_physical_page(0) == 0x1);
  CHECK(runs->next_physical_page(0x2) == 0x2);
  CHECK(runs->next_physical_page(0x22) == 0x1000);
  CHECK_FALSE(runs->next_physical_page(0x1004));
}

TEST_CASE("a Dump moves with its index and reads through the PhysicalReader seam") {
  auto opened = open_fixture("rdmp-complete.dmp");
  REQUIRE(opened.ok());
  Dump dump = std::move(opened).value();
  Dump moved = std::move(dump);
  PhysicalReader& reader = moved;
  std::vector<uint8_t> out(8);
  REQUIRE(reader.read_physical_exact(Gpa(0x21008), out).ok());
  CHECK(le::u64(out, 0) == 0x21008);
  CHECK(moved.physical_index().index_memory_bytes() < 1024);
}

TEST_CASE("physical extents cover the present pages, each stored one after another in the file") {
  for (const Case& c : kCases) {
    INFO(c.fixture);
    auto dump = open_fixture(c.fixture);
    REQUIRE(dump.ok());
    uint64_t pages = 0, prev_end = 0;
    dump->for_each_physical_extent([&](const PhysicalExtent& e) {
      CHECK(e.page_count > 0);
      CHECK(e.first_pfn >= prev_end);
      for (uint64_t i = 0; i < e.page_count; ++i) {
        CHECK(file_offset_of_page(*dump, e.first_pfn + i) == e.file_offset + i * 0x1000);
      }
      pages += e.page_count;
      prev_end = e.first_pfn + e.page_count;
      return true;
    });
    CHECK(pages == dump->physical_page_count());
  }
  // Runs that follow on in PFN but not in the file stay apart: full-two-runs stores PFN 0x10 right after 0x4.
  auto dump = open_fixture("rdmp-complete.dmp");
  REQUIRE(dump.ok());
  size_t extents = 0, ranges = dump->physical_ranges().size();
  dump->for_each_physical_extent([&](const PhysicalExtent&) { return ++extents, true; });
  CHECK(extents >= ranges);
}
