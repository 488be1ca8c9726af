// Bug check codes: the symbolic name of every documented code, a one-line description, and what the four
// parameters mean for the common ones.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace kdmp {

struct BugcheckInfo {
  const char* name;         // "SYSTEM_SERVICE_EXCEPTION"
  const char* description;  // one line, plain words
  std::array<const char*, 4> parameters;  // meaning of each parameter, or nullptr when undocumented
};

// nullptr for an undocumented code.
const BugcheckInfo* find_bugcheck(uint32_t code);
// The symbolic name, or "UNKNOWN_BUGCHECK_0x..." for an undocumented code.
std::string bugcheck_name(uint32_t code);

}  // namespace kdmp
