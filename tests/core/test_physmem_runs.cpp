// The full dump's run list (DumpType 1): the index and every way the run list can be broken.
#include <catch2/catch.hpp>

#include "test_physmem_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

TEST_CASE("full 64-bit dump: pages packed from 0x2000 in run order") {
  auto dump = open_spec(full_two_runs());
  REQUIRE(dump.ok());
  CHECK(dump->physical_index().layout() == PhysicalLayout::Runs);
  CHECK(dump->physical_page_count() == 6);
  // Run 0: PFNs 0x1-0x4 at 0x2000-0x5000; run 1: PFNs 0x10-0x11 at 0x6000-0x7000.
  CHECK(file_offset_of_page(*dump, 0x1) == 0x2000);
  CHECK(file_offset_of_page(*dump, 0x2) == 0x3000);
  CHECK(file_offset_of_page(*dump, 0x4) == 0x5000);
  CHECK(file_offset_of_page(*dump, 0x10) == 0x6000);
  CHECK(file_offset_of_page(*dump, 0x11) == 0x7000);
  CHECK_FALSE(file_offset_of_page(*dump, 0x0));
  CHECK_FALSE(file_offset_of_page(*dump, 0x5));
  CHECK_FALSE(file_offset_of_page(*dump, 0xf));
  CHECK_FALSE(file_offset_of_page(*dump, 0x12));
  CHECK(dump->physical_to_file(Gpa(0x10abc))->value == 0x6abc);
  CHECK(dump->physical_ranges() == std::vector<PhysicalRange>{{0x1, 4}, {0x10, 2}});
  CHECK(u64_at(*dump, 0x4ff8) == 0x4ff8);
  CHECK(u64_at(*dump, 0x11000) == 0x11000);
  CHECK(dump->warnings().empty());
}

TEST_CASE("full 32-bit dump: u32 run list at 0x64, pages from 0x1000") {
  auto dump = open_spec(full32());
  REQUIRE(dump.ok());
  CHECK(dump->physical_page_count() == 4);
  CHECK(file_offset_of_page(*dump, 0x0) == 0x1000);
  CHECK(file_offset_of_page(*dump, 0x1) == 0x2000);
  CHECK(file_offset_of_page(*dump, 0x2) == 0x3000);
  CHECK(file_offset_of_page(*dump, 0x20) == 0x4000);
  CHECK_FALSE(file_offset_of_page(*dump, 0x3));
  CHECK(dump->physical_ranges() == std::vector<PhysicalRange>{{0x0, 3}, {0x20, 1}});
  CHECK(u64_at(*dump, 0x20ff8) == 0x20ff8);
  CHECK(dump->warnings().empty());
}

TEST_CASE("42 runs, the most that fit, index first, middle and last runs") {
  auto dump = open_spec(full_42_runs());
  REQUIRE(dump.ok());
  CHECK(dump->physical_page_count() == 84);
  // Run i holds PFNs 0x10*i+1 and 0x10*i+2, the (2i)-th and (2i+1)-th stored pages.
  for (uint64_t i : {0, 20, 41}) {
    INFO("run " << i);
    CHECK(file_offset_of_page(*dump, 0x10 * i + 1) == 0x2000 + 2 * i * 0x1000);
    CHECK(file_offset_of_page(*dump, 0x10 * i + 2) == 0x2000 + (2 * i + 1) * 0x1000);
    CHECK_FALSE(file_offset_of_page(*dump, 0x10 * i + 3));
    CHECK(u64_at(*dump, (0x10 * i + 2) * 0x1000 + 0x8) == (0x10 * i + 2) * 0x1000 + 0x8);
  }
  CHECK(dump->physical_ranges().size() == 42);
  CHECK(dump->physical_ranges().back() == PhysicalRange{0x291, 2});
}

TEST_CASE("broken run lists are refused with the offset that is wrong") {
  SECTION("43 runs") {
    auto r = open_fixture("full-43-runs.dmp");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRunList);
    CHECK(r.error().where == 0x88);
    CHECK_THAT(r.error().message, Catch::Contains("0x88") && Catch::Contains("43 runs") && Catch::Contains("42"));
  }
  SECTION("a run whose end wraps around") {
    auto r = open_fixture("full-overflowing-run.dmp");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRunList);
    CHECK(r.error().where == 0xa8);
    CHECK_THAT(r.error().message, Catch::Contains("run at 0xa8") && Catch::Contains("0xfffffffffffffff8"));
  }
  SECTION("a run past the 2^52 page frames, without wrapping") {
    auto bytes = build_dump(full_two_runs());
    le::put64(bytes, 0xa8, 0xffffffffffff0);
    le::put64(bytes, 0xb0, 0x20);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRunList);
    CHECK(r.error().where == 0xa8);
    CHECK_THAT(r.error().message, Catch::Contains("0xfffffffffffff"));
  }
  SECTION("overlapping runs") {
    auto r = open_fixture("full-overlapping-runs.dmp");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRunList);
    CHECK(r.error().where == 0xa8);
    CHECK_THAT(r.error().message, Catch::Contains("run at 0xa8") && Catch::Contains("overlaps the run at 0x98"));
  }
  SECTION("duplicate runs") {
    auto bytes = build_dump(full_two_runs());
    le::put64(bytes, 0xa8, 0x1);
    le::put64(bytes, 0xb0, 0x4);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRunList);
    CHECK_THAT(r.error().message, Catch::Contains("overlaps"));
  }
  SECTION("a run list filled with PAGE") {
    auto r = open_fixture("full-page-filled-run-list.dmp");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRunList);
    CHECK(r.error().where == 0x88);
    CHECK_THAT(r.error().message, Catch::Contains("0x88") && Catch::Contains("PAGE"));
  }
  SECTION("32-bit: 87 runs do not fit in 700 bytes") {
    auto bytes = build_dump(full32());
    le::put32(bytes, 0x64, 87);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadRunList);
    CHECK(r.error().where == 0x64);
    CHECK_THAT(r.error().message, Catch::Contains("87 runs") && Catch::Contains("at most 86"));
  }
}

TEST_CASE("runs listed out of PFN order keep their file order") {
  // Swap the two run records: run 0 is now PFNs 0x10-0x11 (file pages 0-1), run 1 PFNs 0x1-0x4 (file pages 2-5).
  auto bytes = build_dump(full_two_runs());
  le::put64(bytes, 0x98, 0x10);
  le::put64(bytes, 0xa0, 2);
  le::put64(bytes, 0xa8, 0x1);
  le::put64(bytes, 0xb0, 4);
  auto dump = open_bytes(bytes);
  REQUIRE(dump.ok());
  CHECK(file_offset_of_page(*dump, 0x10) == 0x2000);
  CHECK(file_offset_of_page(*dump, 0x11) == 0x3000);
  CHECK(file_offset_of_page(*dump, 0x1) == 0x4000);
  CHECK(file_offset_of_page(*dump, 0x4) == 0x7000);
  CHECK(dump->physical_ranges() == std::vector<PhysicalRange>{{0x1, 4}, {0x10, 2}});
}

TEST_CASE("NumberOfPages disagreeing with the runs is a warning") {
  auto dump = open_fixture("full-page-count-mismatch.dmp");
  REQUIRE(dump.ok());
  CHECK(dump->physical_page_count() == 6);
  REQUIRE(has_warning(*dump, "run-list-page-count-mismatch"));
  CHECK_THAT(warning_text(*dump, "run-list-page-count-mismatch"),
             Catch::Contains("0x90") && Catch::Contains("0x7") && Catch::Contains("0x6"));
}

TEST_CASE("a run list with no runs opens with no physical memory") {
  auto bytes = build_dump(full_two_runs());
  le::put32(bytes, 0x88, 0);
  le::put64(bytes, 0x90, 0);
  auto dump = open_bytes(bytes);
  REQUIRE(dump.ok());
  CHECK(dump->physical_page_count() == 0);
  CHECK(dump->physical_ranges().empty());
  std::vector<uint8_t> buf(8);
  auto r = dump->read_physical(Gpa(0x1000), buf);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::PageNotInDump);
}
