#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/le.hpp"
#include "kdmp/summary.hpp"
#include "kdmp/time.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {
Result<Dump> open_bytes(const std::vector<uint8_t>& bytes) {
  // The Dump owns a copy so the test's vector may go away.
  struct Owned final : ByteSource {
    std::vector<uint8_t> b;
    MemorySource m;
    explicit Owned(std::vector<uint8_t> v) : b(std::move(v)), m(b) {}
    uint64_t size() const override { return m.size(); }
    Result<size_t> read(uint64_t o, std::span<uint8_t> out) override { return m.read(o, out); }
  };
  return Dump::open(std::make_unique<Owned>(bytes));
}
}  // namespace

TEST_CASE("64-bit full dump header fields") {
  auto dump = open_bytes(build_dump(full_two_runs()));
  REQUIRE(dump.ok());
  const DumpHeader& h = dump->header();
  CHECK(h.is64);
  CHECK(h.signature == 0x45474150);
  CHECK(h.valid_dump == 0x34365544);
  CHECK(h.major_version == 0xf);
  CHECK(h.minor_version == 19041);
  CHECK(h.directory_table_base == 0x1aa000);
  CHECK(h.pfn_database == 0xfffffa8000000000);
  CHECK(h.ps_loaded_module_list == 0xfffff80312a2a2b0);
  CHECK(h.ps_active_process_head == 0xfffff80312a1f5a0);
  CHECK(h.machine_image_type == 0x8664);
  CHECK(h.number_processors == 4);
  CHECK(h.bugcheck_code == 0x3b);
  CHECK(h.bugcheck_parameters[0] == 0xc0000005);
  CHECK(h.bugcheck_parameters[1] == 0xfffff8031234abcd);
  CHECK(h.bugcheck_parameters[2] == 0xffffd0012345e920);
  CHECK(h.bugcheck_parameters[3] == 0);
  CHECK(h.kd_debugger_data_block == 0xfffff80312a00ba0);
  CHECK(h.dump_type == 1);
  CHECK(h.required_dump_space == 0x2000 + 6 * 0x1000);
  CHECK(h.system_time == 0x01da6bd4de503c50);
  CHECK(h.system_up_time == 36000ull * 10000000);
  CHECK(h.comment.empty());
  // Fields the writer leaves PAGE-filled read as the filler.
  CHECK(h.mini_dump_fields == kPageFill);
  CHECK(dump->warnings().empty());
  CHECK(std::string(dump_type_name(h.dump_type)) == "Full");
  CHECK(std::string(machine_name(h.machine_image_type)) == "AMD64");
}

TEST_CASE("32-bit PAGEDUMP header fields") {
  auto dump = open_bytes(build_dump(full32()));
  REQUIRE(dump.ok());
  const DumpHeader& h = dump->header();
  CHECK_FALSE(h.is64);
  CHECK(h.valid_dump == 0x504d5544);
  CHECK(h.minor_version == 7601);
  CHECK(h.directory_table_base == 0x185000);
  CHECK(h.ps_loaded_module_list == 0x82b7d850);
  CHECK(h.machine_image_type == 0x14c);
  CHECK(h.bugcheck_code == 0x8e);
  CHECK(h.bugcheck_parameters[1] == 0x8c8a1234);
  CHECK(h.pae_enabled);
  CHECK(h.kd_debugger_data_block == 0x82b6bc28);
  CHECK(h.dump_type == 1);
  CHECK(h.system_time == 0x01da6bd4de503c50);
  CHECK(h.required_dump_space == 0x1000 + 4 * 0x1000);
}

TEST_CASE("FILETIME and uptime decoding") {
  CHECK(filetime_to_iso8601(0x01da6bd4de503c50).value() == "2024-03-01T12:34:56.789Z");
  CHECK(filetime_to_iso8601(116444736000000000ull).value() == "1970-01-01T00:00:00.000Z");
  CHECK_FALSE(filetime_to_iso8601(0).has_value());
  CHECK_FALSE(filetime_to_iso8601(kPageFill64).has_value());
  CHECK(format_uptime(36000ull * 10000000) == "0 days 10:00:00");
  CHECK(format_uptime((3ull * 86400 + 4 * 3600 + 5 * 60 + 6) * 10000000) == "3 days 04:05:06");
}

TEST_CASE("malformed files give specific errors") {
  SECTION("user-mode minidump") {
    auto r = open_bytes(build_user_minidump());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::UserModeMinidump);
    CHECK_THAT(r.error().message, Catch::Contains("user-mode minidump"));
  }
  SECTION("not a dump") {
    std::vector<uint8_t> junk(0x3000, 0x41);
    auto r = open_bytes(junk);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::NotADump);
    CHECK(r.error().where == 0);
    CHECK_THAT(r.error().message, Catch::EndsWith("found 41 41 41 41 ('AAAA')"));
  }
  SECTION("PAGE without DU64 or DUMP") {
    auto bytes = build_dump(full_two_runs());
    le::put32(bytes, 4, 0x12345678);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::NotADump);
    CHECK(r.error().where == 4);
    CHECK_THAT(r.error().message, Catch::EndsWith("found 78 56 34 12 ('xV4.')"));
  }
  SECTION("shorter than the header") {
    auto bytes = build_dump(full_two_runs());
    bytes.resize(0x1800);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::FileTooSmall);
    CHECK_THAT(r.error().message, Catch::Contains("0x1800"));
  }
  SECTION("tiny file") {
    auto r = open_bytes({'P', 'A'});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::FileTooSmall);
  }
  SECTION("unknown dump type") {
    auto bytes = build_dump(full_two_runs());
    le::put32(bytes, 0xf98, 0x77);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::UnknownDumpType);
    CHECK(r.error().where == 0xf98);
    CHECK_THAT(r.error().message, Catch::Contains("0x77"));
  }
  SECTION("old kernel dump type 2") {
    auto bytes = build_dump(full_two_runs());
    le::put32(bytes, 0xf98, 2);
    auto r = open_bytes(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::UnsupportedDumpType);
  }
}

TEST_CASE("truncated file opens with a warning") {
  auto bytes = build_dump(full_two_runs());
  bytes.resize(bytes.size() - 0x1000);
  auto dump = open_bytes(bytes);
  REQUIRE(dump.ok());
  // RequiredDumpSpace says the file is short, and the physical index finds the one page lost with it.
  REQUIRE(dump->warnings().size() == 2);
  CHECK(dump->warnings()[0].code == "file-truncated");
  CHECK(dump->warnings()[1].code == "pages-truncated");
}

TEST_CASE("summary JSON carries the shared schema") {
  auto dump = open_bytes(build_dump(sample()));
  REQUIRE(dump.ok());
  const std::string json = summary_json(*dump);
  CHECK_THAT(json, Catch::Contains(R"("dumpType":1)"));
  CHECK_THAT(json, Catch::Contains(R"("machineImageType":"0x8664")"));
  CHECK_THAT(json, Catch::Contains(R"("systemTime":"2024-03-01T12:34:56.789Z")"));
  CHECK_THAT(json, Catch::Contains(R"("code":"0xd1")"));
  CHECK_THAT(json, Catch::Contains(R"("name":"DRIVER_IRQL_NOT_LESS_OR_EQUAL")"));
  CHECK_THAT(json, Catch::Contains(R"("parameters":["0x28","0x2","0x0","0xfffff8031234abcd"])"));
  CHECK_THAT(json, Catch::Contains(R"("comment":"kdmpview sample dump")"));
  CHECK_THAT(json, Catch::Contains(R"("systemUpTimeSeconds":36000)"));
}
