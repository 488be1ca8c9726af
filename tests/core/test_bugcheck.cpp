// The bug check table: names, descriptions and parameter meanings looked up by code. That the table is sorted with
// no duplicate codes is a static_assert in bugcheck.cpp (the table is private to it); here lookups across the whole
// range of codes show the binary search finds what it should.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "kdmp/bugcheck.hpp"
#include "kdmp/result.hpp"

namespace {

std::string param(const kdmp::BugcheckInfo* info, int i) {
  const char* p = info->parameters[static_cast<std::size_t>(i)];
  return p ? p : "(null)";
}

}  // namespace

TEST_CASE("bugcheck names for well-known codes", "[bugcheck]") {
  struct Known {
    uint32_t code;
    const char* name;
  };
  const Known known[] = {
      {0x00000001, "APC_INDEX_MISMATCH"},
      {0x0000000A, "IRQL_NOT_LESS_OR_EQUAL"},
      {0x0000001A, "MEMORY_MANAGEMENT"},
      {0x0000001E, "KMODE_EXCEPTION_NOT_HANDLED"},
      {0x0000003B, "SYSTEM_SERVICE_EXCEPTION"},
      {0x00000050, "PAGE_FAULT_IN_NONPAGED_AREA"},
      {0x0000007E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED"},
      {0x0000007F, "UNEXPECTED_KERNEL_MODE_TRAP"},
      {0x0000009F, "DRIVER_POWER_STATE_FAILURE"},
      {0x000000D1, "DRIVER_IRQL_NOT_LESS_OR_EQUAL"},
      {0x000000E2, "MANUALLY_INITIATED_CRASH"},
      {0x000000EF, "CRITICAL_PROCESS_DIED"},
      {0x00000116, "VIDEO_TDR_FAILURE"},
      {0x00000124, "WHEA_UNCORRECTABLE_ERROR"},
      {0x00000133, "DPC_WATCHDOG_VIOLATION"},
      {0x00000139, "KERNEL_SECURITY_CHECK_FAILURE"},
      {0x0000013A, "KERNEL_MODE_HEAP_CORRUPTION"},
      {0x00000161, "LIVE_SYSTEM_DUMP"},
      {0x000001C8, "MANUALLY_INITIATED_POWER_BUTTON_HOLD"},
      {0x000001CA, "SYNTHETIC_WATCHDOG_TIMEOUT"},
      {0x00020001, "HYPERVISOR_ERROR"},
      {0x1000007E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M"},
      {0x1000008E, "KERNEL_MODE_EXCEPTION_NOT_HANDLED_M"},
      {0x100000EA, "THREAD_STUCK_IN_DEVICE_DRIVER_M"},
      {0xC0000218, "STATUS_CANNOT_LOAD_REGISTRY_FILE"},
      {0xC000021A, "WINLOGON_FATAL_ERROR"},
      {0xC0000221, "STATUS_IMAGE_CHECKSUM_MISMATCH"},
      {0xDEADDEAD, "MANUALLY_INITIATED_CRASH1"},
  };
  for (const Known& k : known) {
    INFO("code " << kdmp::hex(k.code));
    const kdmp::BugcheckInfo* info = kdmp::find_bugcheck(k.code);
    REQUIRE(info != nullptr);
    CHECK(std::string(info->name) == k.name);
    CHECK(kdmp::bugcheck_name(k.code) == k.name);
    REQUIRE(info->description != nullptr);
    CHECK(std::strlen(info->description) > 0);
  }
}

TEST_CASE("bugcheck lookups work at both ends of the table", "[bugcheck]") {
  // The smallest and largest codes: a binary search over an unsorted table would miss some of these.
  CHECK(kdmp::bugcheck_name(0x00000000) == "NO_BUG_CHECK");  // a dump written on request, not a crash
  CHECK(kdmp::bugcheck_name(0x00000001) == "APC_INDEX_MISMATCH");
  CHECK(kdmp::bugcheck_name(0x00000002) == "DEVICE_QUEUE_NOT_BUSY");
  CHECK(kdmp::bugcheck_name(0xC0000221) == "STATUS_IMAGE_CHECKSUM_MISMATCH");
  CHECK(kdmp::bugcheck_name(0xDEADDEAD) == "MANUALLY_INITIATED_CRASH1");
  CHECK(kdmp::find_bugcheck(0xFFFFFFFF) == nullptr);
}

TEST_CASE("bugcheck parameter meanings for 0xD1 and 0x50", "[bugcheck]") {
  const kdmp::BugcheckInfo* d1 = kdmp::find_bugcheck(0xD1);
  REQUIRE(d1 != nullptr);
  CHECK(param(d1, 0) == "Memory referenced");
  CHECK(param(d1, 1) == "IRQL at time of reference");
  CHECK(param(d1, 2) == "0: read, 1: write, 2 or 8: execute");
  CHECK(param(d1, 3) == "Address that referenced memory");

  const kdmp::BugcheckInfo* p50 = kdmp::find_bugcheck(0x50);
  REQUIRE(p50 != nullptr);
  CHECK(param(p50, 0) == "Memory referenced");
  CHECK(param(p50, 1).find("0 read") != std::string::npos);
  CHECK(param(p50, 2) == "Address that referenced memory, if known");
  CHECK(param(p50, 3).find("Type of page fault") == 0);
}

TEST_CASE("bugcheck parameters that Microsoft leaves undocumented are nullptr", "[bugcheck]") {
  // 0x3B: parameter 4 is "0 (Not used)".
  const kdmp::BugcheckInfo* p3b = kdmp::find_bugcheck(0x3B);
  REQUIRE(p3b != nullptr);
  CHECK(param(p3b, 0) == "Exception code");
  CHECK(p3b->parameters[3] == nullptr);
  // 0xE2 and 0xDEADDEAD document no parameters at all.
  for (uint32_t code : {0xE2u, 0xDEADDEADu}) {
    const kdmp::BugcheckInfo* info = kdmp::find_bugcheck(code);
    REQUIRE(info != nullptr);
    for (const char* p : info->parameters) CHECK(p == nullptr);
  }
}

TEST_CASE("the _M bugchecks mean what their base codes mean", "[bugcheck]") {
  const std::pair<uint32_t, uint32_t> pairs[] = {{0x1000007E, 0x7E}, {0x1000007F, 0x7F}, {0x1000008E, 0x8E},
                                                 {0x100000EA, 0xEA}, {0x10000050, 0x50}};
  for (auto [m, base] : pairs) {
    INFO("code " << kdmp::hex(m));
    const kdmp::BugcheckInfo* mi = kdmp::find_bugcheck(m);
    const kdmp::BugcheckInfo* bi = kdmp::find_bugcheck(base);
    REQUIRE(mi != nullptr);
    REQUIRE(bi != nullptr);
    CHECK(std::string(mi->name) == std::string(bi->name) + "_M");
    for (std::size_t i = 0; i < 4; ++i) CHECK(param(mi, static_cast<int>(i)) == param(bi, static_cast<int>(i)));
  }
}

TEST_CASE("unknown bugcheck codes", "[bugcheck]") {
  CHECK(kdmp::find_bugcheck(0x12345678) == nullptr);
  CHECK(kdmp::bugcheck_name(0x12345678) == "UNKNOWN_BUGCHECK_0x12345678");
  // A gap between listed codes stays unknown, too.
  CHECK(kdmp::find_bugcheck(0x87) == nullptr);
  CHECK(kdmp::bugcheck_name(0x87) == "UNKNOWN_BUGCHECK_0x87");
}
