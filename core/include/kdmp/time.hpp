// Windows time values: FILETIME (100 ns ticks since 1601-01-01 UTC) and uptime (100 ns ticks).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace kdmp {

// "2024-03-01T12:34:56.789Z" (milliseconds), or nullopt for 0 / a PAGE-filled / out-of-range value.
std::optional<std::string> filetime_to_iso8601(uint64_t filetime);
// "3 days 04:05:06"
std::string format_uptime(uint64_t ticks_100ns);

}  // namespace kdmp
