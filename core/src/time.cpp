#include "kdmp/time.hpp"

#include <cstdio>

namespace kdmp {

namespace {
constexpr uint64_t kTicksPerSecond = 10'000'000;
constexpr int64_t kSecondsFrom1601To1970 = 11'644'473'600;
constexpr uint64_t kMaxFiletime = 0x0200'0000'0000'0000ull;  // ~ year 30828: anything larger is garbage

// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}
// 0 and the "PAGE" filler mean "never written"; anything past year 30828 is garbage.
bool valid_filetime(uint64_t filetime) {
  return filetime != 0 && filetime != 0x4547415045474150ull && filetime < kMaxFiletime;
}
}  // namespace

std::optional<std::string> filetime_to_iso8601(uint64_t filetime) {
  if (!valid_filetime(filetime)) return std::nullopt;
  const int64_t secs = static_cast<int64_t>(filetime / kTicksPerSecond) - kSecondsFrom1601To1970;
  const unsigned millis = static_cast<unsigned>((filetime % kTicksPerSecond) / 10'000);
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", static_cast<long long>(y), m, d,
                static_cast<unsigned>(rem / 3600), static_cast<unsigned>(rem / 60 % 60),
                static_cast<unsigned>(rem % 60), millis);
  return std::string(buf);
}

std::string format_uptime(uint64_t ticks) {
  const uint64_t secs = ticks / kTicksPerSecond;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%llu days %02u:%02u:%02u", static_cast<unsigned long long>(secs / 86400),
                static_cast<unsigned>(secs / 3600 % 24), static_cast<unsigned>(secs / 60 % 60),
                static_cast<unsigned>(secs % 60));
  return buf;
}

}  // namespace kdmp
