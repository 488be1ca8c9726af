#include "kdmp/bugcheck.hpp"

#include <algorithm>
#include <iterator>

#include "kdmp/result.hpp"

namespace kdmp {

namespace {
struct Entry {
  uint32_t code;
  BugcheckInfo info;
};

// Sorted by code.
constexpr Entry kBugchecks[] = {
    {0x0000000A, {"IRQL_NOT_LESS_OR_EQUAL", "Kernel-mode code accessed paged or invalid memory at a raised IRQL.",
                  {"Memory referenced", "IRQL at time of reference", "0: read, 1: write, 8: execute",
                   "Address that referenced memory"}}},
    {0x0000001E, {"KMODE_EXCEPTION_NOT_HANDLED", "A kernel-mode program generated an exception that no handler caught.",
                  {"Exception code", "Address of the exception", "Exception parameter 0", "Exception parameter 1"}}},
    {0x0000003B, {"SYSTEM_SERVICE_EXCEPTION",
                  "An exception happened while executing a routine that transitions from user to kernel mode.",
                  {"Exception code", "Address of the instruction that caused the exception",
                   "Address of the context record", "0"}}},
    {0x00000050, {"PAGE_FAULT_IN_NONPAGED_AREA", "Invalid system memory was referenced.",
                  {"Memory referenced", "0: read, 1: write, 2: execute, 10: execute", "Address that referenced memory",
                   "Type of read or write"}}},
    {0x0000007E, {"SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", "A system thread generated an exception that no handler caught.",
                  {"Exception code", "Address of the exception", "Address of the exception record",
                   "Address of the context record"}}},
    {0x000000D1, {"DRIVER_IRQL_NOT_LESS_OR_EQUAL",
                  "A driver accessed pageable or invalid memory at a raised IRQL.",
                  {"Memory referenced", "IRQL at time of reference", "0: read, 1: write, 8: execute",
                   "Address that referenced memory"}}},
    {0x000000E2, {"MANUALLY_INITIATED_CRASH", "The user deliberately initiated a crash dump.",
                  {nullptr, nullptr, nullptr, nullptr}}},
};
}  // namespace

const BugcheckInfo* find_bugcheck(uint32_t code) {
  auto it = std::lower_bound(std::begin(kBugchecks), std::end(kBugchecks), code,
                             [](const Entry& e, uint32_t c) { return e.code < c; });
  if (it == std::end(kBugchecks) || it->code != code) return nullptr;
  return &it->info;
}

std::string bugcheck_name(uint32_t code) {
  if (const BugcheckInfo* info = find_bugcheck(code)) return info->name;
  return "UNKNOWN_BUGCHECK_" + hex(code);
}

}  // namespace kdmp
