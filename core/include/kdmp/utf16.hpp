// Windows strings (UTF-16LE) to UTF-8, for module and driver names.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace kdmp {

// Unpaired surrogates become U+FFFD; the text ends at the first NUL; a trailing odd byte is dropped.
std::string utf16le_to_utf8(std::span<const uint8_t> bytes);

}  // namespace kdmp
