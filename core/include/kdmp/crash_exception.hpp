// The exception that crashed the machine. For every bug check Windows writes a STATUS_BREAKPOINT record at
// KeBugCheckEx (or at the ARM64 kernel's KeBugCheck2) into the dump header, whatever the cause; the exception that
// led to the bug check, when there was one, is in memory where a bug check parameter points (0x7E, 0x1000007E:
// parameter 3, as in WinDbg's ".exr"). The header's record is kept when it is anything else.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "kdmp/exception.hpp"
#include "kdmp/header.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

inline constexpr uint32_t kStatusBreakpoint = 0x80000003;

struct CrashException {
  ExceptionRecord record;
  std::string source;  // "header", or "bug check 0x1000007E parameter 3 (exception record)"
};

// The bug check parameter (1-4) that points to an EXCEPTION_RECORD, for the bug checks that have one.
std::optional<unsigned> bugcheck_exception_record_parameter(uint32_t code);

// `vm` may be null (no virtual memory): then only the header's record is considered. nullopt when the header holds
// no record and none could be read from memory.
std::optional<CrashException> crash_exception(const DumpHeader& header, VirtualMemory* vm);

}  // namespace kdmp
