// RDMP dumps (DumpType 8, 9 and 0xA): ranges up to FirstPageOffset, pages packed from it.
#include <catch2/catch.hpp>

#include "test_physmem_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
// PFNs 0x1-0x3, 0x20-0x21, 0x1000-0x1003: three ranges at 0x2030, so FirstPageOffset = 0x2060.
void check_rdmp_index(Dump& dump) {
  CHECK(dump.physical_index().layout() == PhysicalLayout::Runs);
  CHECK(dump.physical_index().data_offset() == 0x2060);
  CHECK(dump.physical_page_count() == 9);
  CHECK(file_offset_of_page(dump, 0x1) == 0x2060);
  CHECK(file_offset_of_page(dump, 0x2) == 0x3060);
  CHECK(file_offset_of_page(dump, 0x3) == 0x4060);
  CHECK(file_offset_of_page(dump, 0x20) == 0x5060);
  CHECK(file_offset_of_page(dump, 0x21) == 0x6060);
  CHECK(file_offset_of_page(dump, 0x1000) == 0x7060);
  CHECK(file_offset_of_page(dump, 0x1001) == 0x8060);
  CHECK(file_offset_of_page(dump, 0x1003) == 0xa060);
  CHECK_FALSE(file_offset_of_page(dump, 0x0));
  CHECK_FALSE(file_offset_of_page(dump, 0x4));
  CHECK_FALSE(file_offset_of_page(dump, 0x1004));
  CHECK(dump.physical_ranges() == std::vector<PhysicalRange>{{0x1, 3}, {0x20, 2}, {0x1000, 4}});
  CHECK(u64_at(dump, 0x1000000) == 0x1000000);
  CHECK(u64_at(dump, 0x1003ff8) == 0x1003ff8);
}
}  // namespace

TEST_CASE("RDMP kernel, kernel and user, complete memory") {
  for (const char* name : {"rdmp-kernel.dmp", "rdmp-kernel-and-user.dmp", "rdmp-complete.dmp"}) {
    INFO(name);
    auto dump = open_fixture(name);
    REQUIRE(dump.ok());
    check_rdmp_index(*dump);
    CHECK(dump->warnings().empty());
  }
}

TEST_CASE("RDMP range count comes from FirstPageOffset, not one record more") {
  // The 16 bytes at FirstPageOffset are page 0x1's first two u64s, 0x1000 and 0x1008: read as a range they would
  // claim PFNs 0x1000-0x2007 and overlap the real range at 0x1000. A parser that reads one record too many
  // (both kdmp-parser versions) sees it; this one must not.
  auto bytes = fixture_bytes("rdmp-kernel.dmp");
  CHECK(le::u64(bytes, 0x2060) == 0x1000);
  CHECK(le::u64(bytes, 0x2068) == 0x1008);
  auto dump = open_bytes(bytes);
  REQUIRE(dump.ok());
  CHECK(dump->physical_ranges().size() == 3);
  CHECK(dump->physical_page_count() == 9);
}

TEST_CASE("RDMP type 0xA stops at TotalNumberOfPages") {
  SECTION("fewer pages than the ranges hold: the last range is clipped") {
    auto bytes = fixture_bytes("rdmp-complete.dmp");
    le::put64(bytes, 0x2028, 7);  // 3 + 2 + the first 2 of the range at 0x1000
    auto dump = open_bytes(bytes);
    REQUIRE(dump.ok());
    CHECK(dump->physical_page_count() == 7);
    CHECK(file_offset_of_page(*dump, 0x1001) == 0x8060);
    CHECK_FALSE(file_offset_of_page(*dump, 0x1002));
    CHECK_THAT(warning_text(*dump, "rdmp-ranges-past-total"), Catch::Contains("0x2028"));
  }
  SECTION("a total reached before the last range: later ranges are ignored") {
    auto bytes = fixture_bytes("rdmp-complete.dmp");
    le::put64(bytes, 0x2028, 5);
    auto dump = open_bytes(bytes);
    REQUIRE(dump.ok());
    CHECK(dump->physical_ranges() == std::vector<PhysicalRange>{{0x1, 3}, {0x20, 2}});
    CHECK(has_warning(*dump, "rdmp-ranges-past-total"));
  }
  SECTION("more pages than the ranges hold is a warning") {
    auto bytes = fixture_bytes("rdmp-complete.dmp");
    le::put64(bytes, 0x2028, 20);
    auto dump = open_bytes(bytes);
    REQUIRE(dump.ok());
    CHECK(dump->physical_page_count() == 9);
    CHECK_THAT(warning_text(*dump, "rdmp-page-count-mismatch"), Catch::Contains("0x14") && Catch::Contains("0x9"));
  }
  SECTION("NumberOfRanges disagreeing with FirstPageOffset is a warning") {
    auto bytes = fixture_bytes("rdmp-complete.dmp");
    le::put32(bytes, 0x2020, 4);
    auto dump = open_bytes(bytes);
    REQUIRE(dump.ok());
    CHECK(dump->physical_page_count() == 9);
    CHECK_THAT(warning_text(*dump, "rdmp-range-count-mismatch"), Catch::Contains("0x2020"));
  }
  SECTION("types 8 and 9 have no totals: the same bytes are ignored") {
    auto bytes = fixture_bytes("rdmp-kernel.dmp");
    le::put64(bytes, 0x2028, 5);
    auto dump = open_bytes(bytes);
    REQUIRE(dump.ok());
    CHECK(dump->physical_page_count() == 9);
    CHECK(dump->warnings().empty());
  }
}

TEST_CASE("broken RDMP headers") {
  SECTION("FirstPageOffset disagreeing with MetadataSize") {
    auto r = open_fixture("rdmp-first-page-offset-mismatch.dmp");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRdmp);
    CHECK(r.error().where == 0x2018);
    CHECK_THAT(r.error().message,
               Catch::Contains("0x2070") && Catch::Contains("0x2018") && Catch::Contains("0x2010"));
  }
  SECTION("FirstPageOffset past the end of the file") {
    auto r = open_fixture("rdmp-first-page-offset-past-end.dmp");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRdmp);
    CHECK(r.error().where == 0x2018);
    CHECK_THAT(r.error().message, Catch::Contains("0x102020") && Catch::Contains("0xb060"));
  }
  SECTION("FirstPageOffset before the range table") {
    auto bytes = fixture_bytes("rdmp-kernel.dmp");
    le::put64(bytes, 0x2010, 0);
    le::put64(bytes, 0x2018, 0x2020);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRdmp);
    CHECK(r.error().where == 0x2018);
  }
  SECTION("FirstPageOffset ending half a range") {
    auto bytes = fixture_bytes("rdmp-kernel.dmp");
    le::put64(bytes, 0x2010, 0x38);
    le::put64(bytes, 0x2018, 0x2058);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRdmp);
    CHECK_THAT(r.error().message, Catch::Contains("0x2058"));
  }
  SECTION("overlapping ranges") {
    auto bytes = fixture_bytes("rdmp-kernel.dmp");
    le::put64(bytes, 0x2040, 0x2);  // range 1 now starts inside range 0 (0x1-0x3)
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRdmp);
    CHECK(r.error().where == 0x2040);
    CHECK_THAT(r.error().message, Catch::Contains("range at 0x2040") && Catch::Contains("range at 0x2030"));
  }
  SECTION("a range that overflows") {
    auto bytes = fixture_bytes("rdmp-kernel.dmp");
    le::put64(bytes, 0x2058, ~uint64_t{0});  // range 2's page count
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRdmp);
    CHECK(r.error().where == 0x2050);
  }
  SECTION("a bad signature") {
    auto bytes = fixture_bytes("rdmp-kernel.dmp");
    le::put32(bytes, 0x2004, 0x41414141);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRdmp);
    CHECK(r.error().where == 0x2004);
    CHECK_THAT(r.error().message, Catch::Contains("RDMP") && Catch::Contains("0x41414141"));
  }
  SECTION("a file that ends inside the RDMP header") {
    auto bytes = fixture_bytes("rdmp-kernel.dmp");
    bytes.resize(0x2010);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRdmp);
    CHECK_THAT(r.error().message, Catch::Contains("0x2010"));
  }
}

TEST_CASE("an odd RDMP marker is only a warning") {
  auto bytes = fixture_bytes("rdmp-kernel.dmp");
  le::put32(bytes, 0x2000, 0x41);
  auto dump = open_bytes(bytes);
  REQUIRE(dump.ok());
  CHECK(dump->physical_page_count() == 9);
  CHECK_THAT(warning_text(*dump, "rdmp-marker"), Catch::Contains("0x2000") && Catch::Contains("0x41"));
}
