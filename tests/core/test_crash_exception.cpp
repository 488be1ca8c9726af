// The crash's exception: the header's record, or the one a bug check parameter points to when the header only
// holds the STATUS_BREAKPOINT Windows writes at KeBugCheckEx.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "contexts.hpp"
#include "dump_writer.hpp"
#include "kdmp/crash_exception.hpp"
#include "kernel_structures.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {

constexpr uint64_t kBad = 0xfffff80318e40000, kKeBugCheckEx = 0xfffff80312bf5a80;
constexpr uint64_t kRecord = 0xffffd0012345e100;

DumpHeader header_of(const DumpSpec& spec) {
  const auto bytes = build_dump(spec);
  MemorySource src(bytes);
  auto header = read_header(src);
  REQUIRE(header.ok());
  return std::move(header).value();
}

DumpSpec bugcheck_7e(std::vector<uint8_t> header_exception) {
  DumpSpec spec = full_two_runs();
  spec.bugcheck_code = 0x1000007E;
  spec.bugcheck_parameters = {0xffffffffc0000005, kBad + 0x334c, kRecord, 0xffffd0012345d900};
  spec.exception = std::move(header_exception);
  return spec;
}

}  // namespace

TEST_CASE("crash_exception: the record bug check 0x1000007E names, over the header's breakpoint", "[exception]") {
  CHECK(bugcheck_exception_record_parameter(0x7E) == 3u);
  CHECK(bugcheck_exception_record_parameter(0x1000007E) == 3u);
  CHECK_FALSE(bugcheck_exception_record_parameter(0x3B));
  CHECK_FALSE(bugcheck_exception_record_parameter(0x1C8));

  const DumpHeader header = header_of(bugcheck_7e(exception_record(true, kStatusBreakpoint, kKeBugCheckEx, {})));
  FakeVirtualMemory vm;
  vm.write(kRecord, exception_record(true, 0xc0000005, kBad + 0x334c, {1, 0xffffffffffffffff}));

  auto e = crash_exception(header, &vm);
  REQUIRE(e);
  CHECK(e->source == "bug check 0x1000007E parameter 3 (exception record)");
  CHECK(e->record.code == 0xc0000005);
  CHECK(e->record.address == kBad + 0x334c);
  CHECK(e->record.parameters == std::vector<uint64_t>{1, 0xffffffffffffffff});

  SECTION("without virtual memory, or with the record not saved: the header's") {
    auto none = crash_exception(header, nullptr);
    REQUIRE(none);
    CHECK(none->source == "header");
    CHECK(none->record.code == kStatusBreakpoint);
    CHECK(none->record.address == kKeBugCheckEx);
    FakeVirtualMemory empty;
    CHECK(crash_exception(header, &empty)->source == "header");
  }
  SECTION("a record that is none (no code, too many parameters): the header's") {
    vm.write32(kRecord, 0);
    CHECK(crash_exception(header, &vm)->source == "header");
    vm.write32(kRecord, 0xc0000005);
    vm.write32(kRecord + 0x18, 16);
    CHECK(crash_exception(header, &vm)->source == "header");
  }
  SECTION("a header record that is a real exception stays") {
    const DumpHeader real = header_of(bugcheck_7e(exception_record(true, 0xc0000096, kBad + 0x10, {})));
    auto kept = crash_exception(real, &vm);
    REQUIRE(kept);
    CHECK(kept->source == "header");
    CHECK(kept->record.code == 0xc0000096);
  }
  SECTION("a header that holds no record (PAGE-filled) still gets the bug check's") {
    const DumpHeader blank = header_of(bugcheck_7e({}));
    auto found = crash_exception(blank, &vm);
    REQUIRE(found);
    CHECK(found->record.code == 0xc0000005);
    CHECK_FALSE(crash_exception(blank, nullptr));
  }
  SECTION("32-bit: EXCEPTION_RECORD32 at a 32-bit address") {
    DumpSpec spec32 = full32();
    spec32.bugcheck_code = 0x7E;
    spec32.bugcheck_parameters = {0xc0000005, 0x8c8a1234, 0x9a1b2c3d, 0x9a1b2a00};
    spec32.exception = exception_record(false, kStatusBreakpoint, 0x82b1e000, {});
    const DumpHeader h32 = header_of(spec32);
    FakeVirtualMemory vm32(4);
    vm32.write(0x9a1b2c3d, exception_record(false, 0xc0000005, 0x8c8a1234, {0, 0x10}));
    auto e32 = crash_exception(h32, &vm32);
    REQUIRE(e32);
    CHECK(e32->source == "bug check 0x7E parameter 3 (exception record)");
    CHECK(e32->record.address == 0x8c8a1234);
    CHECK(e32->record.parameters == std::vector<uint64_t>{0, 0x10});
  }
}
